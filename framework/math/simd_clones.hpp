#pragma once
// NCLAB_SIMD_CLONES marks a vector kernel for an extra x86-64-v3 build (AVX2 and FMA, the level of
// every x86-64 server CPU since 2013) that glibc's ifunc resolver picks at load time on CPUs that have
// it. It uses GCC's `target_clones` (GCC 11 or newer), on x86-64 Linux only, and not in sanitizer
// builds, whose runtimes may start after an ifunc resolver runs. Elsewhere the macro is empty.
// The clone gives the same bits as the baseline build. Contraction of a * b + c is off everywhere
// (CMakeLists.txt), so fused multiply-adds happen only where the code calls them by name
// (framework/math/double4.hpp). Without -ffast-math the compiler never reorders a sum either.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define NCLAB_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NCLAB_SIMD_CLONES
#endif
