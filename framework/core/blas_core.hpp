#pragma once
// Choosing OpenBLAS's kernels when its own CPU detection falls back to an older core.
//
// OpenBLAS built with DYNAMIC_ARCH picks its kernels from the CPU model. A CPU newer than the OpenBLAS
// release gets a generic core instead: Debian 12's OpenBLAS 0.3.21 runs SSE3 "Prescott" kernels on
// recent Xeons, and its dgemm reaches about a fifth of what the SkylakeX kernels reach there. The
// variable OPENBLAS_CORETYPE overrides the detection, but OpenBLAS reads it when the library loads.
// So the nclab executable queries the core OpenBLAS chose and, when that core uses fewer instructions
// than the CPU offers, sets OPENBLAS_CORETYPE and has OpenBLAS pick its kernels again, in place.

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

// Switches OpenBLAS to the core that better_blas_core() names, unless the user has set
// OPENBLAS_CORETYPE. It sets OPENBLAS_CORETYPE (child processes inherit it) and calls the dispatch
// functions of a DYNAMIC_ARCH build, gotoblas_dynamic_quit() and gotoblas_dynamic_init(). Call it first
// in main(), before any thread calls BLAS. An OpenBLAS without these functions keeps its kernels (one
// built for a single CPU ignores OPENBLAS_CORETYPE anyway), and so does one that then runs another
// core than the requested one.
void use_better_blas_core();

// Returns one line for `nclab --version` and the log that names the running core and who chose it.
std::string blas_core_description();

// Returns a warning when OPENBLAS_CORETYPE names no OpenBLAS core or a core whose instructions this
// CPU lacks, else an empty string.
std::string blas_core_problem();

}  // namespace nclab
