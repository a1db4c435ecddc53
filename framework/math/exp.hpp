#pragma once
// e^x in double precision without a library call, a table or a branch, so that GCC vectorises a loop
// over it. The member-lane kernels (framework/ensemble/member_lanes.cpp) take the sigmoid and softmax
// of four members at once with it. It uses only +, -, *, comparisons and integer bit operations in a
// fixed order, so every build (baseline SSE2, the AVX2 clones, any -O level without -ffast-math, with
// -ffp-contract=off) returns the same bits.
//
// Method: x = k ln2 + r with k = round(x / ln2) and |r| <= ln2 / 2, so e^x = 2^k e^r.
//   - r comes from a two-part ln2 (Cody and Waite): ln2_hi has 32 significant bits, so k * ln2_hi and
//     x - k * ln2_hi are exact for every k that the clamp below allows.
//   - e^r is 1 + r + r^2 p(r), with p the Taylor polynomial of degree 11 (e^r's of degree 13), whose
//     truncation error on |r| <= 0.347 is below 4.3e-18 relative. p is evaluated by Estrin's scheme,
//     whose dependency chain is a third of Horner's.
//   - 2^k is applied as two factors 2^k1 2^k2 with k1 = round(k / 2): each is a normal double for every
//     k in [-1076, 1025], so a result in the subnormal range is rounded once, by the last product.
// x is clamped to [-746, 710] first: below, e^x rounds to +0; above, the product overflows to +inf.
// A NaN passes both clamps (its comparisons are false) and comes out as NaN.
// exp_test.cpp measures the error against std::exp: at most 1 unit in the last place.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace nclab {

// Four doubles in one vector (GCC's vector extension): AVX2 builds hold them in one register, the
// baseline build in two SSE2 registers, with the same arithmetic element by element.
using Double4 = double __attribute__((vector_size(32)));

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

// Replaces x by e^x. x is a reference so that no function passes a 32-byte vector by value, whose
// ABI differs between AVX and baseline builds.
template <typename D>
[[gnu::always_inline]] inline void exp_of(D& x) {
  using U = typename BitsOf<D>::type;
  constexpr double log2e = 0x1.71547652b82fep+0;
  constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // ln2 to 32 bits
  constexpr double ln2_lo = 0x1.a39ef35793c76p-33;  // ln2 - ln2_hi
  // Adding 1.5 * 2^52 to a double of magnitude below 2^51 rounds it to an integer that sits in the
  // low bits of the sum's significand.
  constexpr double shifter = 0x1.8p+52;
  constexpr std::uint64_t shifter_bits = 0x4338000000000000;
  x = select<D>(mask_of(x > 710.0), splat<D>(710.0), x);
  x = select<D>(mask_of(x < -746.0), splat<D>(-746.0), x);

  const D k = (x * log2e + shifter) - shifter;
  const D r = (x - k * ln2_hi) - k * ln2_lo;

  // p(r) = sum_{n=2..13} r^(n-2) / n!: pairs c_n + c_(n+1) r, then pairs of those with r^2, then r^4.
  const D r2 = r * r;
  const D r4 = r2 * r2;
  const D a0 = 0.5 + 0x1.5555555555555p-3 * r;
  const D a1 = 0x1.5555555555555p-5 + 0x1.1111111111111p-7 * r;
  const D a2 = 0x1.6c16c16c16c17p-10 + 0x1.a01a01a01a01ap-13 * r;
  const D a3 = 0x1.a01a01a01a01ap-16 + 0x1.71de3a556c734p-19 * r;
  const D a4 = 0x1.27e4fb7789f5cp-22 + 0x1.ae64567f544e4p-26 * r;
  const D a5 = 0x1.1eed8eff8d898p-29 + 0x1.6124613a86d09p-33 * r;
  const D b0 = a0 + a1 * r2;
  const D b1 = a2 + a3 * r2;
  const D b2 = a4 + a5 * r2;
  const D p = b0 + (b1 + b2 * r4) * r4;
  // The small terms are summed before the 1, which keeps the rounding near half a unit.
  const D e_r = 1.0 + (r + r2 * p);

  // k1 = round(k / 2) and k2 = k - k1 as integers, read from the significand after the shift, and
  // 2^i as the double with biased exponent i + 1023 (unsigned arithmetic wraps for negative i, which
  // leaves the right bits).
  const D k1 = (k * 0.5 + shifter) - shifter;
  const D k2 = k - k1;
  const U i1 = std::bit_cast<U>(k1 + shifter) - shifter_bits;
  const U i2 = std::bit_cast<U>(k2 + shifter) - shifter_bits;
  const D scale1 = std::bit_cast<D>((i1 + std::uint64_t{1023}) << 52);
  const D scale2 = std::bit_cast<D>((i2 + std::uint64_t{1023}) << 52);
  x = (e_r * scale1) * scale2;
}

}  // namespace detail

// e^x of one double.
[[gnu::always_inline]] inline double exp_kernel(double x) {
  detail::exp_of(x);
  return x;
}

// values[0..3] = e^values[0..3], as four exp_kernel calls would give, in one vector pass. The
// member-lane kernels call detail::exp_of on Double4 directly.
[[gnu::always_inline]] inline void exp4_inplace(double* values) {
  Double4 x;
  std::memcpy(&x, values, sizeof x);
  detail::exp_of(x);
  std::memcpy(values, &x, sizeof x);
}

}  // namespace nclab
