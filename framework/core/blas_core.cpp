#include "framework/core/blas_core.hpp"

#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace nclab {
namespace {

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The value OPENBLAS_CORETYPE takes for each level. SkylakeX's dgemm kernels are also those of the
// newer Intel cores (Cooperlake, Sapphire Rapids) in OpenBLAS 0.3.21.
const char* core_for_level(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512:
      return "SkylakeX";
    case SimdLevel::avx2:
      return "Haswell";
    case SimdLevel::avx:
      return "Sandybridge";
    case SimdLevel::sse:
    case SimdLevel::unknown:
      break;
  }
  return nullptr;
}

}  // namespace

SimdLevel blas_core_level(const std::string& core_name) {
  // Core names of OpenBLAS's x86-64 DYNAMIC_ARCH targets, by the instructions their kernels use.
  static const std::array<std::pair<const char*, SimdLevel>, 28> kCores = {{
      {"skylakex", SimdLevel::avx512},     {"cooperlake", SimdLevel::avx512},
      {"sapphirerapids", SimdLevel::avx512}, {"haswell", SimdLevel::avx2},
      {"zen", SimdLevel::avx2},            {"excavator", SimdLevel::avx2},
      {"sandybridge", SimdLevel::avx},     {"bulldozer", SimdLevel::avx},
      {"piledriver", SimdLevel::avx},      {"steamroller", SimdLevel::avx},
      {"prescott", SimdLevel::sse},        {"core2", SimdLevel::sse},
      {"penryn", SimdLevel::sse},          {"dunnington", SimdLevel::sse},
      {"nehalem", SimdLevel::sse},         {"atom", SimdLevel::sse},
      {"barcelona", SimdLevel::sse},       {"opteron", SimdLevel::sse},
      {"opteron_sse3", SimdLevel::sse},    {"bobcat", SimdLevel::sse},
      {"nano", SimdLevel::sse},            {"katmai", SimdLevel::sse},
      {"coppermine", SimdLevel::sse},      {"northwood", SimdLevel::sse},
      {"banias", SimdLevel::sse},          {"athlon", SimdLevel::sse},
      {"generic", SimdLevel::sse},         {"istanbul", SimdLevel::sse},
  }};
  const std::string name = lower_case(core_name);
  for (const auto& [core, level] : kCores) {
    if (name == core) return level;
  }
  return SimdLevel::unknown;
}

SimdLevel cpu_simd_level() {
  // __builtin_cpu_supports also checks that the operating system saves the wider registers.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512cd")) {
    return SimdLevel::avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::avx2;
  if (__builtin_cpu_supports("avx")) return SimdLevel::avx;
  if (__builtin_cpu_supports("sse3")) return SimdLevel::sse;
  return SimdLevel::unknown;
}

std::optional<std::string> better_blas_core(const std::string& core_name, SimdLevel cpu) {
  const SimdLevel current = blas_core_level(core_name);
  if (current == SimdLevel::unknown || cpu == SimdLevel::unknown || cpu <= current) return std::nullopt;
  const char* better = core_for_level(cpu);
  if (better == nullptr) return std::nullopt;
  return std::string(better);
}

namespace {

// The core OpenBLAS had detected before nclab switched it, empty when nclab switched nothing.
std::string& replaced_core() {
  static std::string core;
  return core;
}

}  // namespace

void use_better_blas_core() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const char* detected_name = openblas_get_corename();
  if (detected_name == nullptr) return;
  const std::string detected = detected_name;
  const std::optional<std::string> better = better_blas_core(detected, cpu_simd_level());
  if (!better) return;
  // OpenBLAS's driver/others/dynamic.c: quit clears the kernel table, and init picks one again, reading
  // OPENBLAS_CORETYPE, and sets the table's blocking parameters. Both are exported by DYNAMIC_ARCH builds.
  using DispatchFunction = void (*)();
  const auto quit = reinterpret_cast<DispatchFunction>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
  const auto init = reinterpret_cast<DispatchFunction>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
  if (quit == nullptr || init == nullptr) return;
  if (setenv("OPENBLAS_CORETYPE", better->c_str(), 1) != 0) return;
  quit();
  init();
  const char* running = openblas_get_corename();
  if (running != nullptr && lower_case(running) == lower_case(*better)) {
    replaced_core() = detected;
    return;
  }
  // OpenBLAS runs another core than the requested one: go back to its own choice and claim nothing.
  unsetenv("OPENBLAS_CORETYPE");
  quit();
  init();
}

namespace {

// The core OpenBLAS runs, "unknown" when it names none.
std::string running_core() {
  const char* core_name = openblas_get_corename();
  return core_name != nullptr ? core_name : "unknown";
}

}  // namespace

std::string blas_core_problem() {
  const char* requested = std::getenv("OPENBLAS_CORETYPE");
  if (requested == nullptr) return "";
  const std::string core = running_core();
  if (lower_case(requested) != lower_case(core) && blas_core_level(requested) == SimdLevel::unknown) {
    // OpenBLAS 0.3.21 falls back to the best core it detects for a name it does not know, the empty
    // name included, without a message.
    return "OPENBLAS_CORETYPE='" + std::string(requested) + "' is not a known OpenBLAS core name, so OpenBLAS runs " +
           core + "; set one such as SkylakeX or Haswell";
  }
  if (blas_core_level(core) > cpu_simd_level() && cpu_simd_level() != SimdLevel::unknown) {
    return "OPENBLAS_CORETYPE='" + std::string(requested) + "' selects the " + core +
           " kernels, but this CPU lacks their instructions; unset it or choose a core such as Haswell";
  }
  return "";
}

std::string blas_core_description() {
  const std::string core = running_core();
  std::string text = "OpenBLAS core: " + core;
  const char* requested = std::getenv("OPENBLAS_CORETYPE");
  if (requested == nullptr) return text;
  const bool runs_requested = lower_case(requested) == lower_case(core);
  if (!replaced_core().empty() && runs_requested &&
      better_blas_core(replaced_core(), cpu_simd_level()) == std::optional<std::string>(requested)) {
    return text + " (chosen by nclab for this CPU; OpenBLAS detected " + replaced_core() +
           "; set OPENBLAS_CORETYPE to override)";
  }
  if (!runs_requested && blas_core_level(requested) == SimdLevel::unknown) {
    return text + " (OPENBLAS_CORETYPE='" + requested +
           "' is not a known OpenBLAS core name; set one such as SkylakeX or Haswell)";
  }
  if (!runs_requested) {
    // A known name that OpenBLAS maps to another core, such as the 32-bit Katmai to Prescott.
    return text + " (set by OPENBLAS_CORETYPE='" + requested + "', which OpenBLAS runs as " + core + ")";
  }
  if (blas_core_level(core) > cpu_simd_level() && cpu_simd_level() != SimdLevel::unknown) {
    return text + " (set by OPENBLAS_CORETYPE, but this CPU lacks its instructions)";
  }
  return text + " (set by OPENBLAS_CORETYPE)";
}

}  // namespace nclab
