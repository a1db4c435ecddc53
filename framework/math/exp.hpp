#pragma once
// e^x in double precision without a library call or a table, written once for a double and for a
// Double4 (framework/math/double4.hpp). The member-lane kernels (framework/ensemble/member_lanes.cpp)
// and sigmoid_inplace take the sigmoid and softmax of four values at once with it. It uses only
// +, -, *, fused multiply-adds, comparisons and integer bit operations in a fixed order. So every build
// (baseline SSE2, the x86-64-v3 clones, any -O level without -ffast-math) returns the same bits, and
// the four-wide form returns what four scalar calls return.
//
// Method: x = k ln2 + r with k = round(x / ln2) and |r| <= ln2 / 2, so e^x = 2^k e^r.
//   - r comes from a two-part ln2 (Cody and Waite) with fused multiply-adds: ln2_hi has 32
//     significant bits, so x - k * ln2_hi is exact for every k that can occur.
//   - e^r is 1 + r + r^2 p(r), with p the Taylor polynomial of degree 11 (e^r's of degree 13), whose
//     truncation error on |r| <= 0.347 is below 4.3e-18 relative. p is evaluated by Estrin's scheme,
//     whose dependency chain is a third of Horner's, one fused multiply-add per coefficient.
//   - For x in [-708, 709] the result is a normal double and 2^k (|k| <= 1023) is applied as one
//     factor. Elsewhere (and for the whole vector when any element lies elsewhere) x is clamped to
//     [-746, 710] and 2^k is applied as two factors 2^k1 2^k2 with k1 = round(k / 2): each is a normal
//     double for every k in [-1076, 1025], so a result in the subnormal range is rounded once, by the
//     last product, and one above the largest double overflows to +inf. Both forms scale the same
//     e^r by a power of two, exactly wherever the result is normal, so they agree bit for bit there.
// A NaN stays NaN on both paths. exp_test.cpp measures the error against std::exp: at most 1 unit
// in the last place.

#include <cstdint>
#include <cstring>

#include "framework/math/double4.hpp"

namespace nclab {
namespace detail {

constexpr double kLog2e = 0x1.71547652b82fep+0;
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;  // ln2 to 32 bits
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;  // ln2 - kLn2Hi
// Adding 1.5 * 2^52 to a double of magnitude below 2^51 rounds it to an integer that sits in the low
// bits of the sum's significand.
constexpr double kShifter = 0x1.8p+52;
constexpr std::uint64_t kShifterBits = 0x4338000000000000;

// e^r for r = x - k ln2, and k = round(x / ln2) as a double.
template <typename D>
[[gnu::always_inline]] inline D exp_of_reduced(const D& x, D& k) {
  k = fused_multiply_add(x, splat<D>(kLog2e), splat<D>(kShifter)) - kShifter;
  D r = fused_multiply_add(k, splat<D>(-kLn2Hi), x);
  r = fused_multiply_add(k, splat<D>(-kLn2Lo), r);

  // p(r) = sum_{n=2..13} r^(n-2) / n!: pairs c_n + c_(n+1) r, then pairs of those with r^2, then r^4.
  const D r2 = r * r;
  const D r4 = r2 * r2;
  const D a0 = fused_multiply_add(splat<D>(0x1.5555555555555p-3), r, splat<D>(0.5));
  const D a1 = fused_multiply_add(splat<D>(0x1.1111111111111p-7), r, splat<D>(0x1.5555555555555p-5));
  const D a2 = fused_multiply_add(splat<D>(0x1.a01a01a01a01ap-13), r, splat<D>(0x1.6c16c16c16c17p-10));
  const D a3 = fused_multiply_add(splat<D>(0x1.71de3a556c734p-19), r, splat<D>(0x1.a01a01a01a01ap-16));
  const D a4 = fused_multiply_add(splat<D>(0x1.ae64567f544e4p-26), r, splat<D>(0x1.27e4fb7789f5cp-22));
  const D a5 = fused_multiply_add(splat<D>(0x1.6124613a86d09p-33), r, splat<D>(0x1.1eed8eff8d898p-29));
  const D b0 = fused_multiply_add(a1, r2, a0);
  const D b1 = fused_multiply_add(a3, r2, a2);
  const D b2 = fused_multiply_add(a5, r2, a4);
  const D p = fused_multiply_add(fused_multiply_add(b2, r4, b1), r4, b0);
  // The small terms are summed before the 1, which keeps the rounding near half a unit.
  return 1.0 + fused_multiply_add(r2, p, r);
}

// e^x for any x, the subnormal range, overflow and infinities included: see the two-factor form above.
template <typename D>
[[gnu::noinline, gnu::cold]] void exp_wide_range(D& x) {
  using U = typename BitsOf<D>::type;
  x = select<D>(mask_of(x > 710.0), splat<D>(710.0), x);
  x = select<D>(mask_of(x < -746.0), splat<D>(-746.0), x);
  D k;
  const D e_r = exp_of_reduced(x, k);
  // k1 = round(k / 2) and k2 = k - k1 as integers, read from the significand after the shift, and
  // 2^i as the double with biased exponent i + 1023 (unsigned arithmetic wraps for negative i, which
  // leaves the right bits).
  const D k1 = (k * 0.5 + kShifter) - kShifter;
  const D k2 = k - k1;
  const U i1 = std::bit_cast<U>(k1 + kShifter) - kShifterBits;
  const U i2 = std::bit_cast<U>(k2 + kShifter) - kShifterBits;
  const D scale1 = std::bit_cast<D>((i1 + std::uint64_t{1023}) << 52);
  const D scale2 = std::bit_cast<D>((i2 + std::uint64_t{1023}) << 52);
  x = (e_r * scale1) * scale2;
}

// Replaces x by e^x. x is a reference so that no function passes a 32-byte vector by value, whose
// ABI differs between AVX and baseline builds.
template <typename D>
[[gnu::always_inline]] inline void exp_of(D& x) {
  using U = typename BitsOf<D>::type;
  if (any(mask_of(x < -708.0) | mask_of(x > 709.0))) [[unlikely]] {
    exp_wide_range(x);
    return;
  }
  D k;
  const D e_r = exp_of_reduced(x, k);
  // 2^k as the double with biased exponent k + 1023: the low bits of k + (1.5 * 2^52 + 1023) hold
  // k + 1023, and the shift drops the rest.
  const D scale = std::bit_cast<D>(std::bit_cast<U>(k + (kShifter + 1023.0)) << 52);
  x = e_r * scale;
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
