#pragma once
// Double4, four doubles in one vector, and the element-wise helpers that the vector kernels share
// (framework/math/exp.hpp, framework/math/sigmoid.cpp, framework/ensemble/member_lanes.cpp). Every
// helper is written once for a plain double and once for Double4 with the same arithmetic, so that a
// scalar tail gives the bits of the vector body.

#include <bit>
#include <cstdint>
#include <type_traits>

namespace nclab {

// GCC's vector extension: builds with AVX hold a Double4 in one register, the baseline build in two
// SSE2 registers, with the same arithmetic element by element.
using Double4 = double __attribute__((vector_size(32)));

// a * b + c rounded once (IEEE 754 fusedMultiplyAdd). The build turns contraction off
// (-ffp-contract=off in CMakeLists.txt), so a plain a * b + c always rounds twice and the kernels ask
// for the fused form by name. Every build then gives the same bits: the x86-64-v3 clones of
// NCLAB_SIMD_CLONES (framework/math/simd_clones.hpp) run one vfmadd instruction for all four
// elements, the baseline build calls libm's fma, which is exact too but much slower.
[[gnu::always_inline]] inline double fused_multiply_add(double a, double b, double c) { return __builtin_fma(a, b, c); }

[[gnu::always_inline]] inline Double4 fused_multiply_add(const Double4& a, const Double4& b, const Double4& c) {
  return Double4{__builtin_fma(a[0], b[0], c[0]), __builtin_fma(a[1], b[1], c[1]), __builtin_fma(a[2], b[2], c[2]),
                 __builtin_fma(a[3], b[3], c[3])};
}

namespace detail {

using Bits4 = std::uint64_t __attribute__((vector_size(32)));

template <typename D>
struct BitsOf;
template <>
struct BitsOf<double> {
  using type = std::uint64_t;
};
template <>
struct BitsOf<Double4> {
  using type = Bits4;
};

// All ones where the comparison holds, else 0: a bool for double, a vector of -1 and 0 for vectors.
[[gnu::always_inline]] inline std::uint64_t mask_of(bool condition) {
  return std::uint64_t{0} - static_cast<std::uint64_t>(condition);
}
template <typename Comparison>
[[gnu::always_inline]] inline Bits4 mask_of(Comparison condition) {
  return reinterpret_cast<Bits4>(condition);
}

// Whether any element of the mask is set.
[[gnu::always_inline]] inline bool any(std::uint64_t mask) { return mask != 0; }
[[gnu::always_inline]] inline bool any(const Bits4& mask) { return ((mask[0] | mask[1]) | (mask[2] | mask[3])) != 0; }

// `value` in every element.
template <typename D>
[[gnu::always_inline]] inline D splat(double value) {
  if constexpr (std::is_same_v<D, double>) {
    return value;
  } else {
    return value - D{};  // value - 0 is value for every value, -0 and NaN included
  }
}

// mask ? a : b element by element, through the bits.
template <typename D>
[[gnu::always_inline]] inline D select(typename BitsOf<D>::type mask, const D& a, const D& b) {
  using U = typename BitsOf<D>::type;
  return std::bit_cast<D>((std::bit_cast<U>(a) & mask) | (std::bit_cast<U>(b) & ~mask));
}

}  // namespace detail
}  // namespace nclab
