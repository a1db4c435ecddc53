#pragma once
// NCLAB_AVX2_CLONES marks an element-wise function for an extra AVX2 build that the dynamic loader
// picks on CPUs with AVX2. It uses `target_clones` (GCC and Clang) and so glibc's ifunc, on x86-64
// Linux only, and not in sanitizer builds, whose runtimes may start after an ifunc resolver runs.
// Elsewhere the macro is empty. The clone gives the same bits as the baseline build as long as the
// function only does element-wise arithmetic. The reason is that "avx2" does not enable FMA, so the
// compiler cannot contract a * b + c, and that without -ffast-math it never reorders a sum.

#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define NCLAB_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NCLAB_AVX2_CLONES
#endif
