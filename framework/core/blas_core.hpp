#pragma once
// Choosing OpenBLAS's kernels when its own CPU detection falls back to an older core.
//
// OpenBLAS built with DYNAMIC_ARCH picks its kernels from the CPU model. A CPU newer than the OpenBLAS
// release gets a generic core instead: Debian 12's OpenBLAS 0.3.21 runs SSE3 "Prescott" kernels on
// recent Xeons, and its dgemm reaches about a fifth of what the SkylakeX kernels reach there. The
// variable OPENBLAS_CORETYPE overrides the detection, but OpenBLAS reads it once, when the library
// loads. So the nclab executable queries the core OpenBLAS chose and, when that core uses fewer
// instructions than the CPU offers, starts itself again with OPENBLAS_CORETYPE set.

#include <optional>
#include <string>

namespace nclab {

// Vector instruction levels, ordered: each one includes those below it.
enum class SimdLevel { unknown = 0, sse = 1, avx = 2, avx2 = 3, avx512 = 4 };

// The level that an OpenBLAS core name needs (openblas_get_corename(), any case), or unknown for a name
// not in the table.
SimdLevel blas_core_level(const std::string& core_name);

// The highest level that this CPU and the operating system support.
SimdLevel cpu_simd_level();

// The OPENBLAS_CORETYPE value to use for `cpu` when OpenBLAS runs `core_name`, or nothing when that core
// already matches the CPU, or when either level is unknown.
std::optional<std::string> better_blas_core(const std::string& core_name, SimdLevel cpu);

// Environment variable set for the restarted process: the core that OpenBLAS had chosen itself. The
// restarted process reads it and removes it from its environment.
inline constexpr const char* kReplacedBlasCoreVariable = "NCLAB_REPLACED_BLAS_CORE";

// Called first in main(). Restarts the executable (/proc/self/exe, same arguments) with a better
// OPENBLAS_CORETYPE when better_blas_core() names one and the user has not set OPENBLAS_CORETYPE.
// Never restarts a process that the dynamic loader runs as its program (`ld.so nclab ...`).
// Returns normally when no restart is needed or the restart fails, and the process then keeps the
// kernels OpenBLAS chose.
void restart_with_better_blas_core(char** argv);

// Returns one line for `nclab --version` and the log that names the running core and who chose it.
std::string blas_core_description();

}  // namespace nclab
