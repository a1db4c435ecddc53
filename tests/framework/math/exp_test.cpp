#include "framework/math/exp.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace nclab {
namespace {

// Distance in units in the last place between two non-negative doubles: the count of representable
// doubles between them, subnormals included.
std::uint64_t ulp_distance(double a, double b) {
  const auto ia = std::bit_cast<std::uint64_t>(a);
  const auto ib = std::bit_cast<std::uint64_t>(b);
  return ia > ib ? ia - ib : ib - ia;
}

// Largest distance from std::exp over `count` uniform points in [low, high].
std::uint64_t max_ulp_error(double low, double high, int count, std::uint32_t seed) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> uniform(low, high);
  std::uint64_t worst = 0;
  for (int i = 0; i < count; ++i) {
    const double x = uniform(generator);
    const std::uint64_t error = ulp_distance(exp_kernel(x), std::exp(x));
    if (error > worst) worst = error;
  }
  return worst;
}

TEST(ExpKernel, WithinOneUlpOfLibm) {
  // glibc's exp is correctly rounded in almost every case, so one unit of difference allows for our
  // own rounding of about half a unit.
  EXPECT_LE(max_ulp_error(-708.0, 709.0, 400000, 1), 1u);
  EXPECT_LE(max_ulp_error(-1.0, 1.0, 400000, 2), 1u);  // where the layers' inputs mostly lie
  EXPECT_LE(max_ulp_error(-40.0, 0.0, 400000, 3), 1u);  // the sigmoid's and softmax's e^-|x|
}

TEST(ExpKernel, SubnormalResultsAreRoundedOnce) {
  EXPECT_LE(max_ulp_error(-745.0, -708.5, 100000, 4), 1u);
  EXPECT_EQ(exp_kernel(-745.1), std::exp(-745.1));  // the smallest subnormal
  EXPECT_GT(exp_kernel(-745.1), 0.0);
}

TEST(ExpKernel, ExactAndLimitValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(exp_kernel(0.0), 1.0);
  EXPECT_EQ(exp_kernel(-0.0), 1.0);
  EXPECT_LE(ulp_distance(exp_kernel(1.0), std::exp(1.0)), 1u);
  EXPECT_EQ(exp_kernel(-inf), 0.0);
  EXPECT_EQ(exp_kernel(-746.0), 0.0);
  EXPECT_EQ(exp_kernel(-1e308), 0.0);
  EXPECT_EQ(exp_kernel(inf), inf);
  EXPECT_EQ(exp_kernel(709.79), inf);  // above ln(DBL_MAX) = 709.7827
  EXPECT_EQ(exp_kernel(1e308), inf);
  EXPECT_TRUE(std::isfinite(exp_kernel(709.78)));
  EXPECT_LE(ulp_distance(exp_kernel(709.78), std::exp(709.78)), 1u);
  EXPECT_TRUE(std::isnan(exp_kernel(std::numeric_limits<double>::quiet_NaN())));
}

TEST(ExpKernel, FourAtOnceGiveTheScalarBits) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> inputs = {0.0, -0.0, 1.0, -1.0, 0.3466, -0.3466, 709.78, 709.79, -745.1, -746.0, inf, -inf, nan};
  std::mt19937_64 generator(5);
  std::uniform_real_distribution<double> uniform(-750.0, 715.0);
  while (inputs.size() % 4 != 0 || inputs.size() < 4000) inputs.push_back(uniform(generator));
  std::vector<double> four = inputs;
  for (std::size_t i = 0; i < four.size(); i += 4) exp4_inplace(four.data() + i);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double one = exp_kernel(inputs[i]);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(four[i]), std::bit_cast<std::uint64_t>(one)) << "x = " << inputs[i];
  }
}

TEST(ExpKernel, OneFactorAndTwoFactorFormsAgree) {
  // An element outside [-708, 709] sends its whole vector through the two-factor form, so the three
  // in-range elements beside it must get the bits that the one-factor form gives them alone.
  std::mt19937_64 generator(6);
  std::uniform_real_distribution<double> uniform(-708.0, 709.0);
  const double outside[] = {-708.0001, 709.0001, -745.5, 800.0, -std::numeric_limits<double>::infinity()};
  for (int trial = 0; trial < 20000; ++trial) {
    double four[4] = {uniform(generator), uniform(generator), uniform(generator), outside[trial % 5]};
    const double alone[3] = {exp_kernel(four[0]), exp_kernel(four[1]), exp_kernel(four[2])};
    exp4_inplace(four);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(std::bit_cast<std::uint64_t>(four[i]), std::bit_cast<std::uint64_t>(alone[i]));
  }
  for (double edge : {-708.0, 709.0}) {
    double four[4] = {edge, edge, edge, 1000.0};
    exp4_inplace(four);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(four[0]), std::bit_cast<std::uint64_t>(exp_kernel(edge))) << edge;
    EXPECT_LE(ulp_distance(exp_kernel(edge), std::exp(edge)), 1u) << edge;
  }
}

TEST(ExpKernel, VectorisedLoopGivesTheScalarBits) {
  // The same function in a loop (which GCC may vectorise) must return what one call returns.
  std::vector<double> values(1003);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = -30.0 + 0.0613 * static_cast<double>(i);
  std::vector<double> results(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) results[i] = exp_kernel(values[i]);
  for (std::size_t i = 0; i < values.size(); ++i) {
    volatile double x = values[i];  // volatile keeps this call scalar
    EXPECT_EQ(std::bit_cast<std::uint64_t>(results[i]), std::bit_cast<std::uint64_t>(exp_kernel(x))) << "x = " << x;
  }
}

}  // namespace
}  // namespace nclab
