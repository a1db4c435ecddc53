// Checks that the gradient checker itself passes a correct gradient and flags a wrong one.

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "tests/support/gradient_check.hpp"

namespace nclab::test_support {
namespace {

// f(p) = sum_i sin(p_i) p_i^2, whose gradient is cos(p_i) p_i^2 + 2 p_i sin(p_i).
double smooth_function(std::span<const double> p) {
  double sum = 0.0;
  for (double v : p) sum += std::sin(v) * v * v;
  return sum;
}

std::vector<double> smooth_gradient(std::span<const double> p) {
  std::vector<double> g;
  for (double v : p) g.push_back(std::cos(v) * v * v + 2.0 * v * std::sin(v));
  return g;
}

TEST(GradientCheck, AcceptsExactGradient) {
  std::vector<double> point = {0.3, -1.2, 2.5, 0.9};
  const std::vector<double> analytic = smooth_gradient(point);
  const GradientCheckResult result = check_gradient("smooth", smooth_function, point, analytic);
  EXPECT_LT(result.max_relative_error, 1e-9) << result;
  EXPECT_EQ(result.checked, 4u);
  EXPECT_GT(result.max_abs_numeric, 1.0) << result;
}

TEST(GradientCheck, RestoresThePoint) {
  std::vector<double> point = {0.3, -1.2};
  const std::vector<double> original = point;
  check_gradient("smooth", smooth_function, point, smooth_gradient(point));
  EXPECT_EQ(point, original);
}

TEST(GradientCheck, FlagsWrongEntryWithBothValues) {
  std::vector<double> point = {0.3, -1.2, 2.5, 0.9};
  std::vector<double> analytic = smooth_gradient(point);
  analytic[2] *= 1.0 + 1e-5;  // a slip of 10 parts per million in one entry
  const GradientCheckResult result = check_gradient("smooth", smooth_function, point, analytic);
  EXPECT_GT(result.max_relative_error, gradient_tolerance);
  EXPECT_EQ(result.worst_index, 2u);
  EXPECT_DOUBLE_EQ(result.analytic, analytic[2]);
  EXPECT_NEAR(result.numeric, smooth_gradient(point)[2], 1e-9);

  std::ostringstream text;
  text << result;
  EXPECT_NE(text.str().find("at index 2"), std::string::npos) << text.str();
}

TEST(GradientCheck, SmallEntriesUseAbsoluteFloor) {
  // Below the floor of 1e-4 the error is divided by 1e-4 instead of by the entry's magnitude.
  const std::vector<double> numeric = {1e-9, 0.5};
  const std::vector<double> close = {1e-9 + 1e-12, 0.5};
  const std::vector<double> wrong = {3e-9 + 1e-9, 0.5};
  EXPECT_LT(compare_gradients("close", close, numeric).max_relative_error, 1e-7);
  EXPECT_NEAR(compare_gradients("wrong", wrong, numeric).max_relative_error, 3e-9 / 1e-4, 1e-12);
}

TEST(GradientCheck, NanCountsAsFailure) {
  const std::vector<double> numeric = {1.0};
  const std::vector<double> analytic = {NAN};
  EXPECT_FALSE(compare_gradients("nan", analytic, numeric).max_relative_error < gradient_tolerance);
}

}  // namespace
}  // namespace nclab::test_support
