#include "framework/ensemble/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/core/rng.hpp"

namespace nclab {
namespace {

std::vector<ConstMatrixView> views_of(const std::vector<Matrix>& matrices) {
  std::vector<ConstMatrixView> views;
  for (const Matrix& m : matrices) views.push_back(m.view());
  return views;
}

TEST(Metrics, HandComputedRegression) {
  // Two members, two patterns, one output. Targets (0, 2).
  std::vector<Matrix> outputs{Matrix(2, 1), Matrix(2, 1)};
  outputs[0](0, 0) = 1.0;
  outputs[0](1, 0) = 2.0;
  outputs[1](0, 0) = -1.0;
  outputs[1](1, 0) = 4.0;
  Matrix targets(2, 1);
  targets(1, 0) = 2.0;
  Matrix ensemble(2, 1);
  const double sd = target_standard_deviation(targets.view());
  EXPECT_DOUBLE_EQ(sd, 1.0);

  const PartMetrics m = evaluate_part(views_of(outputs), targets.view(), {}, false, LossKind::squared_error, sd,
                                      ensemble.view());
  // Member errors (1, 0) and (-1, 2); F = (0, 3), ensemble errors (0, 1).
  EXPECT_DOUBLE_EQ(m.mse[0], 0.5);
  EXPECT_DOUBLE_EQ(m.mse[1], 2.5);
  EXPECT_DOUBLE_EQ(m.mse[2], 0.5);
  EXPECT_DOUBLE_EQ(m.loss[0], 0.25);
  EXPECT_DOUBLE_EQ(m.loss[2], 0.25);
  EXPECT_DOUBLE_EQ(m.nrmse[1], std::sqrt(2.5));
  // Ambiguity: (1 - 0)^2, (2 - 3)^2, (-1 - 0)^2, (4 - 3)^2 averaged = 1.
  EXPECT_DOUBLE_EQ(m.ambiguity, 1.0);
  EXPECT_TRUE(m.error_rate.empty());
}

TEST(Metrics, AmbiguityDecompositionHolds) {
  Rng rng(8);
  std::vector<Matrix> outputs(5, Matrix(40, 3));
  for (Matrix& m : outputs) {
    for (double& value : m.storage()) value = rng.normal();
  }
  Matrix targets(40, 3);
  for (double& value : targets.storage()) value = rng.normal();
  Matrix ensemble(40, 3);
  const PartMetrics m = evaluate_part(views_of(outputs), targets.view(), {}, false, LossKind::squared_error,
                                      target_standard_deviation(targets.view()), ensemble.view());
  double mean_member = 0.0;
  for (std::size_t i = 0; i < 5; ++i) mean_member += m.mse[i] / 5.0;
  EXPECT_NEAR(m.mse[5], mean_member - m.ambiguity, 1e-12);
}

TEST(Metrics, ClassificationErrorRateAndCrossEntropy) {
  std::vector<Matrix> outputs{Matrix(2, 2), Matrix(2, 2)};
  outputs[0](0, 0) = 0.9;
  outputs[0](0, 1) = 0.1;
  outputs[0](1, 0) = 0.6;
  outputs[0](1, 1) = 0.4;
  outputs[1](0, 0) = 0.3;
  outputs[1](0, 1) = 0.7;
  outputs[1](1, 0) = 0.2;
  outputs[1](1, 1) = 0.8;
  Matrix targets(2, 2);
  targets(0, 0) = 1.0;
  targets(1, 1) = 1.0;
  const std::vector<int> labels{0, 1};
  Matrix ensemble(2, 2);
  const PartMetrics m = evaluate_part(views_of(outputs), targets.view(), labels, true, LossKind::cross_entropy, 0.0,
                                      ensemble.view());
  EXPECT_DOUBLE_EQ(m.error_rate[0], 0.5);
  EXPECT_DOUBLE_EQ(m.error_rate[1], 0.5);
  EXPECT_DOUBLE_EQ(m.error_rate[2], 0.0);  // F = (0.6, 0.4), (0.4, 0.6)
  EXPECT_DOUBLE_EQ(m.loss[0], -(std::log(0.9) + std::log(0.4)) / 2);
  EXPECT_DOUBLE_EQ(m.loss[2], -(std::log(0.6) + std::log(0.6)) / 2);
  EXPECT_TRUE(m.nrmse.empty());
}

TEST(Metrics, CrossEntropyOfZeroProbabilityIsFinite) {
  Matrix outputs(1, 2);
  outputs(0, 1) = 1.0;
  Matrix targets(1, 2);
  targets(0, 0) = 1.0;
  const double loss = member_loss(outputs.view(), targets.view(), LossKind::cross_entropy);
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_GT(loss, 700.0);
}

TEST(Metrics, ConstantTargetsGiveNanNrmse) {
  std::vector<Matrix> outputs{Matrix(3, 1, 0.5)};
  Matrix targets(3, 1, 2.0);
  Matrix ensemble(3, 1);
  EXPECT_EQ(target_standard_deviation(targets.view()), 0.0);
  const PartMetrics m = evaluate_part(views_of(outputs), targets.view(), {}, false, LossKind::squared_error, 0.0,
                                      ensemble.view());
  EXPECT_TRUE(std::isnan(m.nrmse[0]));
}

TEST(Metrics, TargetSdPoolsOutputVariances) {
  Matrix targets(2, 2);
  targets(0, 0) = -1.0;
  targets(1, 0) = 1.0;  // variance 1
  targets(0, 1) = 0.0;
  targets(1, 1) = 6.0;  // variance 9
  EXPECT_DOUBLE_EQ(target_standard_deviation(targets.view()), std::sqrt(5.0));
}

TEST(Metrics, ErrorCorrelationHandComputed) {
  // Errors: member 0 (1, -1, 0), member 1 = 2 x member 0, member 2 = -member 0, member 3 constant.
  std::vector<Matrix> outputs(4, Matrix(3, 1));
  const double e[3] = {1.0, -1.0, 0.0};
  Matrix targets(3, 1);
  for (std::size_t n = 0; n < 3; ++n) {
    targets(n, 0) = 0.5 * static_cast<double>(n);
    outputs[0](n, 0) = targets(n, 0) + e[n];
    outputs[1](n, 0) = targets(n, 0) + 2 * e[n];
    outputs[2](n, 0) = targets(n, 0) - e[n];
    outputs[3](n, 0) = targets(n, 0) + 0.3;
  }
  const Matrix r = error_correlation(views_of(outputs), targets.view());
  EXPECT_DOUBLE_EQ(r(0, 0), 1.0);
  EXPECT_NEAR(r(0, 1), 1.0, 1e-15);
  EXPECT_NEAR(r(0, 2), -1.0, 1e-15);
  EXPECT_NEAR(r(2, 1), -1.0, 1e-15);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(std::isnan(r(3, i))) << i;
    EXPECT_TRUE(std::isnan(r(i, 3))) << i;
  }
}

TEST(Metrics, ErrorCorrelationIsSymmetricWithinBounds) {
  Rng rng(4);
  std::vector<Matrix> outputs(3, Matrix(25, 2));
  for (Matrix& m : outputs) {
    for (double& value : m.storage()) value = rng.normal();
  }
  Matrix targets(25, 2);
  const Matrix r = error_correlation(views_of(outputs), targets.view());
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_EQ(r(i, j), r(j, i));
      EXPECT_LE(std::abs(r(i, j)), 1.0);
    }
  }
}

}  // namespace
}  // namespace nclab
