#include "framework/math/cross_entropy.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "framework/math/softmax.hpp"

namespace nclab {
namespace {

Matrix row_matrix(std::initializer_list<double> values) {
  Matrix m(1, values.size());
  std::size_t k = 0;
  for (double v : values) m(0, k++) = v;
  return m;
}

TEST(CrossEntropy, HugeEqualLogitsGiveLnTwo) {
  const Matrix logits = row_matrix({1e8, 1e8});
  const Matrix target = row_matrix({0.0, 1.0});
  EXPECT_DOUBLE_EQ(cross_entropy_from_logits(logits, target), std::log(2.0));
}

TEST(CrossEntropy, FromLogitsStaysFiniteWhenProbabilityUnderflows) {
  // softmax gives y_1 = e^-2000 = 0 in double, but log y_1 = -2000 exactly.
  const Matrix logits = row_matrix({1000.0, -1000.0});
  const Matrix target = row_matrix({0.0, 1.0});
  EXPECT_DOUBLE_EQ(cross_entropy_from_logits(logits, target), 2000.0);
}

TEST(CrossEntropy, ProbabilitiesClampAtSmallestNormal) {
  const Matrix probabilities = row_matrix({1.0, 0.0});
  const Matrix target = row_matrix({0.0, 1.0});
  const double loss = cross_entropy(probabilities, target);
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_DOUBLE_EQ(loss, -std::log(std::numeric_limits<double>::min()));
}

TEST(CrossEntropy, HandComputedBatchAveragesOverPatterns) {
  // L = -(1/2) (log 0.7 + log 0.4).
  Matrix y(2, 2), t(2, 2);
  y(0, 0) = 0.7;
  y(0, 1) = 0.3;
  y(1, 0) = 0.6;
  y(1, 1) = 0.4;
  t(0, 0) = 1.0;
  t(0, 1) = 0.0;
  t(1, 0) = 0.0;
  t(1, 1) = 1.0;
  EXPECT_DOUBLE_EQ(cross_entropy(y, t), -0.5 * (std::log(0.7) + std::log(0.4)));
}

TEST(CrossEntropy, LogitsAndProbabilitiesAgree) {
  Matrix logits(2, 3);
  const double values[] = {0.2, -1.0, 1.4, 3.0, 0.0, -2.0};
  for (std::size_t i = 0; i < 6; ++i) logits.storage()[i] = values[i];
  Matrix probabilities = logits;
  softmax_rows_inplace(probabilities);
  Matrix t(2, 3, 0.0);
  t(0, 2) = 1.0;
  t(1, 0) = 0.25;
  t(1, 1) = 0.75;
  EXPECT_NEAR(cross_entropy(probabilities, t), cross_entropy_from_logits(logits, t), 1e-15);
}

TEST(CrossEntropy, GradientIsMinusTargetOverNProbability) {
  Matrix y(2, 2), t(2, 2), g(2, 2);
  y(0, 0) = 0.8;
  y(0, 1) = 0.2;
  y(1, 0) = 0.5;
  y(1, 1) = 0.5;
  t(0, 0) = 1.0;
  t(0, 1) = 0.0;
  t(1, 0) = 0.0;
  t(1, 1) = 1.0;
  cross_entropy_gradient(y, t, g);
  EXPECT_DOUBLE_EQ(g(0, 0), -1.0 / (2 * 0.8));
  EXPECT_EQ(g(0, 1), 0.0);
  EXPECT_EQ(g(1, 0), 0.0);
  EXPECT_DOUBLE_EQ(g(1, 1), -1.0 / (2 * 0.5));
}

TEST(CrossEntropy, FusedGradientIsOutputMinusTargetOverN) {
  Matrix y(2, 3), t(2, 3, 0.0), g(2, 3);
  const double values[] = {0.1, 0.6, 0.3, 0.2, 0.2, 0.6};
  for (std::size_t i = 0; i < 6; ++i) y.storage()[i] = values[i];
  t(0, 1) = 1.0;
  t(1, 0) = 1.0;
  softmax_cross_entropy_gradient(y, t, g);
  for (std::size_t n = 0; n < 2; ++n) {
    for (std::size_t k = 0; k < 3; ++k) EXPECT_DOUBLE_EQ(g(n, k), (y(n, k) - t(n, k)) / 2.0) << n << "," << k;
  }
}

// The fused gradient must equal the chain -T/(NY) through the full softmax Jacobian, also for soft
// targets, and match central differences of the loss in the logits.
TEST(CrossEntropy, FusedGradientMatchesChainAndCentralDifference) {
  Matrix logits(2, 3);
  const double values[] = {0.5, -0.3, 1.2, -2.0, 0.1, 0.7};
  for (std::size_t i = 0; i < 6; ++i) logits.storage()[i] = values[i];
  Matrix t(2, 3, 0.0);
  t(0, 0) = 1.0;
  t(1, 0) = 0.2;
  t(1, 1) = 0.5;
  t(1, 2) = 0.3;

  Matrix y = logits;
  softmax_rows_inplace(y);
  Matrix fused(2, 3), chained(2, 3);
  softmax_cross_entropy_gradient(y, t, fused);
  cross_entropy_gradient(y, t, chained);
  softmax_backward_inplace(y, chained);

  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(fused.storage()[i], chained.storage()[i], 1e-15) << "i = " << i;
    const double h = 1e-6;
    Matrix plus = logits, minus = logits;
    plus.storage()[i] += h;
    minus.storage()[i] -= h;
    const double numeric = (cross_entropy_from_logits(plus, t) - cross_entropy_from_logits(minus, t)) / (2 * h);
    EXPECT_NEAR(fused.storage()[i], numeric, 1e-9) << "i = " << i;
  }
}

TEST(CrossEntropy, RejectsShapeMismatch) {
  Matrix y(2, 3), t(2, 2), g(2, 3);
  EXPECT_THROW(cross_entropy(y, t), std::invalid_argument);
  EXPECT_THROW(cross_entropy_from_logits(y, t), std::invalid_argument);
  EXPECT_THROW(cross_entropy_gradient(y, t, g), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy_gradient(y, t, g), std::invalid_argument);
}

}  // namespace
}  // namespace nclab
