#include "framework/math/double4.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "framework/math/simd_clones.hpp"

namespace nclab {
namespace {

// a * b + c for a = 1 + 2^-30, b = 1 - 2^-30, c = -1: the exact value is -2^-60, but a * b rounds to
// 1 and a separate addition gives 0.
constexpr double kA = 1.0 + 0x1p-30;
constexpr double kB = 1.0 - 0x1p-30;

TEST(FusedMultiplyAdd, ScalarRoundsOnce) {
  volatile double a = kA;  // volatile keeps the compiler from folding the product at compile time
  EXPECT_EQ(a * kB + -1.0, 0.0) << "the build contracts a * b + c; it must not (-ffp-contract=off)";
  EXPECT_EQ(fused_multiply_add(a, kB, -1.0), -0x1p-60);
}

// Built as an x86-64-v3 clone where NCLAB_SIMD_CLONES is not empty, so the test compares the clone's
// vfmadd with the scalar std::fma calls below, which this file compiles for the baseline.
NCLAB_SIMD_CLONES
void fused_multiply_add_four(const double* a, const double* b, const double* c, double* out) {
  Double4 x, y, z;
  __builtin_memcpy(&x, a, sizeof x);
  __builtin_memcpy(&y, b, sizeof y);
  __builtin_memcpy(&z, c, sizeof z);
  const Double4 r = fused_multiply_add(x, y, z);
  __builtin_memcpy(out, &r, sizeof r);
}

TEST(FusedMultiplyAdd, FourAtOnceGiveTheScalarBits) {
  std::mt19937_64 generator(9);
  std::uniform_real_distribution<double> uniform(-4.0, 4.0);
  const double inf = std::numeric_limits<double>::infinity();
  double a[4] = {kA, inf, 0.0, std::numeric_limits<double>::quiet_NaN()};
  double b[4] = {kB, 2.0, inf, 1.0};
  double c[4] = {-1.0, -inf, 1.0, 1.0};
  double out[4];
  fused_multiply_add_four(a, b, c, out);
  EXPECT_EQ(out[0], -0x1p-60);
  EXPECT_TRUE(std::isnan(out[1])) << "inf - inf";
  EXPECT_TRUE(std::isnan(out[2])) << "0 * inf";
  EXPECT_TRUE(std::isnan(out[3]));
  for (int trial = 0; trial < 10000; ++trial) {
    for (int i = 0; i < 4; ++i) {
      a[i] = uniform(generator);
      b[i] = uniform(generator);
      c[i] = uniform(generator);
    }
    fused_multiply_add_four(a, b, c, out);
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(out[i]), std::bit_cast<std::uint64_t>(std::fma(a[i], b[i], c[i])))
          << a[i] << " * " << b[i] << " + " << c[i];
    }
  }
}

TEST(Double4Helpers, AnyIsTrueWhenOneElementIsSet) {
  const Double4 x = {1.0, 2.0, 3.0, 4.0};
  EXPECT_FALSE(detail::any(detail::mask_of(x > 4.0)));
  EXPECT_TRUE(detail::any(detail::mask_of(x > 3.5)));
  EXPECT_TRUE(detail::any(detail::mask_of(x < 1.5)));
  EXPECT_FALSE(detail::any(detail::mask_of(2.0 > 3.0)));
  EXPECT_TRUE(detail::any(detail::mask_of(3.0 > 2.0)));
}

}  // namespace
}  // namespace nclab
