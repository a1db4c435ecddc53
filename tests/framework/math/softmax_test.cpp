#include "framework/math/softmax.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace nclab {
namespace {

TEST(Softmax, LargeLogitSpreadGivesOneHot) {
  const std::vector<double> logits = {1000.0, 0.0, -1000.0};
  std::vector<double> y(3);
  softmax(logits, y);
  EXPECT_EQ(y[0], 1.0);
  EXPECT_EQ(y[1], 0.0);
  EXPECT_EQ(y[2], 0.0);
}

TEST(Softmax, HugeEqualLogitsGiveHalf) {
  const std::vector<double> logits = {1e8, 1e8};
  std::vector<double> y(2);
  softmax(logits, y);
  EXPECT_EQ(y[0], 0.5);
  EXPECT_EQ(y[1], 0.5);
}

TEST(Softmax, WorkedExampleAndInPlace) {
  // softmax([1, 2, 3]) = e^u / (e + e^2 + e^3).
  std::vector<double> values = {1.0, 2.0, 3.0};
  softmax(values, values);
  EXPECT_NEAR(values[0], 0.090030573170380462, 1e-16);
  EXPECT_NEAR(values[1], 0.24472847105479767, 1e-16);
  EXPECT_NEAR(values[2], 0.6652409557748219, 1e-15);
}

TEST(Softmax, InfiniteLogits) {
  std::vector<double> y(2);
  softmax(std::vector<double>{-INFINITY, 0.0}, y);
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(y[1], 1.0);
  softmax(std::vector<double>{INFINITY, 0.0}, y);
  EXPECT_TRUE(std::isnan(y[0]));
  softmax(std::vector<double>{NAN, 0.0}, y);
  EXPECT_TRUE(std::isnan(y[1]));
}

TEST(Softmax, ShiftInvariant) {
  std::vector<double> a = {0.5, -1.0, 2.0};
  std::vector<double> b = {700.5, 699.0, 702.0};
  std::vector<double> ya(3), yb(3);
  softmax(a, ya);
  softmax(b, yb);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(ya[k], yb[k], 1e-15) << "k = " << k;
}

TEST(Softmax, RejectsSizeMismatch) {
  std::vector<double> logits(3), y(2);
  EXPECT_THROW(softmax(logits, y), std::invalid_argument);
}

TEST(Softmax, RowsInplaceUsesEachRow) {
  Matrix values(2, 2);
  values(0, 0) = 0.0;
  values(0, 1) = 0.0;
  values(1, 0) = 1000.0;
  values(1, 1) = -1000.0;
  softmax_rows_inplace(values);
  EXPECT_EQ(values(0, 0), 0.5);
  EXPECT_EQ(values(0, 1), 0.5);
  EXPECT_EQ(values(1, 0), 1.0);
  EXPECT_EQ(values(1, 1), 0.0);
}

TEST(LogSumExp, StableForLargeLogits) {
  const std::vector<double> logits = {1000.0, 1000.0};
  EXPECT_DOUBLE_EQ(log_sum_exp(logits), 1000.0 + std::log(2.0));
  const std::vector<double> small = {-1000.0, -1000.0};
  EXPECT_DOUBLE_EQ(log_sum_exp(small), -1000.0 + std::log(2.0));
  EXPECT_EQ(log_sum_exp(std::vector<double>{}), -INFINITY);
}

// The full Jacobian dy_k/du_i = y_k (delta_ik - y_i) at u = [1, 2, 3], written out by hand from the
// probabilities above. Column i is the product of the Jacobian with the unit vector e_i.
TEST(SoftmaxJacobian, WorkedExampleFullMatrix) {
  const std::vector<double> y = {0.090030573170380462, 0.24472847105479767, 0.6652409557748219};
  const double expected[3][3] = {
      {0.081925069064993236, -0.022033044520174298, -0.059892024544818935},
      {-0.022033044520174298, 0.18483644650997874, -0.16280340198980445},
      {-0.059892024544818935, -0.16280340198980445, 0.22269542653462335},
  };
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<double> unit(3, 0.0), column(3);
    unit[i] = 1.0;
    softmax_jacobian_product(y, unit, column);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(column[k], expected[k][i], 1e-16) << "dy_" << k << "/du_" << i;
    }
  }
}

TEST(SoftmaxJacobian, OffDiagonalTermsChangeTheResult) {
  // With v = [1, 0, 0], a diagonal-only Jacobian would give [y0 (1 - y0), 0, 0]. The full one also
  // moves the other classes by -y_k y_0.
  const std::vector<double> y = {0.2, 0.3, 0.5};
  const std::vector<double> v = {1.0, 0.0, 0.0};
  std::vector<double> result(3);
  softmax_jacobian_product(y, v, result);
  EXPECT_DOUBLE_EQ(result[0], 0.2 * 0.8);
  EXPECT_DOUBLE_EQ(result[1], -0.3 * 0.2);
  EXPECT_DOUBLE_EQ(result[2], -0.5 * 0.2);
}

TEST(SoftmaxJacobian, MatchesCentralDifference) {
  const std::vector<double> u = {0.3, -1.1, 2.0, 0.4};
  const std::vector<double> v = {0.7, -0.2, 1.5, -0.9};  // arbitrary dL/dy
  std::vector<double> y(4), analytic(4);
  softmax(u, y);
  softmax_jacobian_product(y, v, analytic);
  for (std::size_t i = 0; i < 4; ++i) {
    const double h = 1e-6;
    std::vector<double> plus = u, minus = u, yp(4), ym(4);
    plus[i] += h;
    minus[i] -= h;
    softmax(plus, yp);
    softmax(minus, ym);
    double numeric = 0.0;
    for (std::size_t k = 0; k < 4; ++k) numeric += v[k] * (yp[k] - ym[k]) / (2 * h);
    EXPECT_NEAR(analytic[i], numeric, 1e-9) << "i = " << i;
  }
}

TEST(SoftmaxJacobian, BackwardRowsAndAliasing) {
  Matrix probabilities(2, 2);
  probabilities(0, 0) = 0.25;
  probabilities(0, 1) = 0.75;
  probabilities(1, 0) = 0.5;
  probabilities(1, 1) = 0.5;
  Matrix gradient(2, 2);
  gradient(0, 0) = 1.0;
  gradient(0, 1) = 0.0;
  gradient(1, 0) = 2.0;
  gradient(1, 1) = 2.0;
  softmax_backward_inplace(probabilities, gradient);
  EXPECT_DOUBLE_EQ(gradient(0, 0), 0.25 * 0.75);
  EXPECT_DOUBLE_EQ(gradient(0, 1), -0.75 * 0.25);
  // A constant gradient does not change a softmax output: the product is zero.
  EXPECT_EQ(gradient(1, 0), 0.0);
  EXPECT_EQ(gradient(1, 1), 0.0);
}

}  // namespace
}  // namespace nclab
