// Hand-computed values of the penalty gradients and Rosen's indicator tables.

#include "framework/ensemble/penalties.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tests/support/ensemble_test_data.hpp"

namespace nclab {
namespace {

// One pattern of one output per member: outputs (0.2, 0.5, 1.1), target 0.4, F = 0.6.
struct ThreeMembers {
  std::array<Matrix, 3> outputs{Matrix(1, 1, 0.2), Matrix(1, 1, 0.5), Matrix(1, 1, 1.1)};
  Matrix target = Matrix(1, 1, 0.4);
  Matrix ensemble = Matrix(1, 1);
  std::array<Matrix, 3> gradients{Matrix(1, 1), Matrix(1, 1), Matrix(1, 1)};

  std::array<double, 3> gradients_for(const PenaltySettings& settings) {
    std::vector<ConstMatrixView> output_views;
    std::vector<MatrixView> gradient_views;
    for (std::size_t i = 0; i < 3; ++i) {
      output_views.push_back(outputs[i].view());
      gradient_views.push_back(gradients[i].view());
    }
    ensemble_mean(output_views, ensemble.view());
    penalty_output_gradients(settings, output_views, target.view(), ensemble.view(), gradient_views);
    return {gradients[0](0, 0), gradients[1](0, 0), gradients[2](0, 0)};
  }
};

TEST(Penalties, EnsembleMeanOfThreeMembers) {
  ThreeMembers case_data;
  case_data.gradients_for({});
  EXPECT_DOUBLE_EQ(case_data.ensemble(0, 0), 0.6);
}

TEST(Penalties, IndependentIsOutputMinusTarget) {
  ThreeMembers case_data;
  const auto g = case_data.gradients_for({Method::independent, 0.9, Indicator::previous, LossKind::squared_error});
  EXPECT_DOUBLE_EQ(g[0], -0.2);
  EXPECT_DOUBLE_EQ(g[1], 0.1);
  EXPECT_DOUBLE_EQ(g[2], 0.7);
}

TEST(Penalties, NclHandComputed) {
  ThreeMembers case_data;
  const auto g = case_data.gradients_for({Method::ncl, 0.5, Indicator::previous, LossKind::squared_error});
  EXPECT_NEAR(g[0], 0.0, 1e-15);
  EXPECT_NEAR(g[1], 0.15, 1e-15);
  EXPECT_NEAR(g[2], 0.45, 1e-15);
}

TEST(Penalties, NclExactHandComputed) {
  ThreeMembers case_data;
  const auto g = case_data.gradients_for({Method::ncl_exact, 0.5, Indicator::previous, LossKind::squared_error});
  EXPECT_NEAR(g[0], 1.0 / 15.0, 1e-15);
  EXPECT_NEAR(g[1], 1.0 / 6.0, 1e-15);
  EXPECT_NEAR(g[2], 11.0 / 30.0, 1e-15);
}

TEST(Penalties, NclExactEqualsNclWithEquivalentLambda) {
  ThreeMembers case_data;
  const auto exact = case_data.gradients_for({Method::ncl_exact, 0.5, Indicator::previous, LossKind::squared_error});
  const auto ncl = case_data.gradients_for(
      {Method::ncl, equivalent_lambda(0.5, 3), Indicator::previous, LossKind::squared_error});
  EXPECT_DOUBLE_EQ(equivalent_lambda(0.5, 3), 2.0 / 3.0);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(exact[i], ncl[i], 1e-15) << "member index " << i;
}

TEST(Penalties, NclWithLambdaOneTrainsEnsembleOutput) {
  // (1 - lambda)(F_i - d) + lambda (F - d) at lambda = 1 is F - d for every member.
  ThreeMembers case_data;
  const auto g = case_data.gradients_for({Method::ncl, 1.0, Indicator::previous, LossKind::squared_error});
  for (double value : g) EXPECT_NEAR(value, 0.2, 1e-15);
}

TEST(Penalties, DecorrelatedHandComputed) {
  // Rosen, all-previous, lambda 0.6 (halved loss): g_j = (f_j - y) + 0.3 sum_{i<j} (f_i - y).
  // Errors f - y: (-0.2, 0.1, 0.7), so g = (-0.2, 0.1 + 0.3(-0.2), 0.7 + 0.3(-0.2 + 0.1)) = (-0.2, 0.04, 0.67).
  ThreeMembers case_data;
  const auto all = case_data.gradients_for({Method::decorrelated, 0.6, Indicator::all_previous, LossKind::squared_error});
  EXPECT_DOUBLE_EQ(all[0], -0.2);
  EXPECT_NEAR(all[1], 0.04, 1e-15);
  EXPECT_NEAR(all[2], 0.67, 1e-15);

  // previous: member 3 pairs with member 2 only: 0.7 + 0.3 (0.1) = 0.73.
  const auto previous = case_data.gradients_for({Method::decorrelated, 0.6, Indicator::previous, LossKind::squared_error});
  EXPECT_NEAR(previous[1], 0.04, 1e-15);
  EXPECT_NEAR(previous[2], 0.73, 1e-15);

  // alternate: only the pair (2, 3) is active.
  const auto alternate = case_data.gradients_for({Method::decorrelated, 0.6, Indicator::alternate, LossKind::squared_error});
  EXPECT_DOUBLE_EQ(alternate[0], -0.2);
  EXPECT_DOUBLE_EQ(alternate[1], 0.1);
  EXPECT_NEAR(alternate[2], 0.73, 1e-15);
}

TEST(Penalties, ZeroCoefficientIsIndependentBitForBit) {
  // -0.0 errors would turn into +0.0 if a zero penalty were added.
  std::array<Matrix, 2> outputs{Matrix(1, 2), Matrix(1, 2)};
  outputs[0](0, 0) = -0.0;
  outputs[0](0, 1) = 0.25;
  outputs[1](0, 0) = 0.5;
  outputs[1](0, 1) = -0.75;
  Matrix target(1, 2, 0.0);
  Matrix ensemble(1, 2);
  std::vector<ConstMatrixView> views{outputs[0].view(), outputs[1].view()};
  ensemble_mean(views, ensemble.view());

  const auto gradients_of = [&](const PenaltySettings& settings) {
    std::array<Matrix, 2> gradients{Matrix(1, 2), Matrix(1, 2)};
    std::vector<MatrixView> gradient_views{gradients[0].view(), gradients[1].view()};
    penalty_output_gradients(settings, views, target.view(), ensemble.view(), gradient_views);
    return gradients;
  };
  const auto independent = gradients_of({});
  for (Method method : {Method::ncl, Method::ncl_exact, Method::decorrelated}) {
    const auto zero = gradients_of({method, 0.0, Indicator::all_previous, LossKind::squared_error});
    for (std::size_t i = 0; i < 2; ++i) {
      for (std::size_t k = 0; k < 2; ++k) {
        EXPECT_TRUE(testing::same_bits(zero[i](0, k), independent[i](0, k))) << to_string(method);
      }
    }
  }
  const auto none = gradients_of({Method::decorrelated, 0.8, Indicator::none, LossKind::squared_error});
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 2; ++k) EXPECT_TRUE(testing::same_bits(none[i](0, k), independent[i](0, k)));
  }
}

// d(i, j) for M = 4, rows i = 1..4, columns j = 1..4.
using IndicatorTable = std::array<std::array<int, 4>, 4>;

void expect_table(Indicator indicator, const IndicatorTable& expected) {
  for (std::size_t i = 1; i <= 4; ++i) {
    for (std::size_t j = 1; j <= 4; ++j) {
      EXPECT_EQ(rosen_indicator(indicator, i, j), expected[i - 1][j - 1] == 1)
          << to_string(indicator) << " d(" << i << ", " << j << ")";
    }
  }
}

TEST(Penalties, IndicatorPreviousTable) {
  expect_table(Indicator::previous, {{{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}}});
}

TEST(Penalties, IndicatorAlternateTable) {
  expect_table(Indicator::alternate, {{{0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}});
}

TEST(Penalties, IndicatorAllPreviousTable) {
  expect_table(Indicator::all_previous, {{{0, 1, 1, 1}, {0, 0, 1, 1}, {0, 0, 0, 1}, {0, 0, 0, 0}}});
}

TEST(Penalties, IndicatorNoneTable) {
  expect_table(Indicator::none, {{{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}});
}

TEST(Penalties, PartnersFollowIndicator) {
  EXPECT_FALSE(has_decorrelation_partner(Indicator::previous, 0));
  EXPECT_TRUE(has_decorrelation_partner(Indicator::previous, 1));
  EXPECT_FALSE(has_decorrelation_partner(Indicator::alternate, 1));
  EXPECT_TRUE(has_decorrelation_partner(Indicator::alternate, 2));
  EXPECT_FALSE(has_decorrelation_partner(Indicator::alternate, 3));
  EXPECT_FALSE(has_decorrelation_partner(Indicator::none, 3));
}

TEST(Penalties, GradientPointFollowsLoss) {
  EXPECT_EQ(gradient_point(LossKind::squared_error), GradientAt::output);
  EXPECT_EQ(gradient_point(LossKind::cross_entropy), GradientAt::logits);
}

TEST(Penalties, DecorrelationSumOfFixedMembersMatchesConcurrentGradient) {
  // Sequential training feeds decorrelated_member_gradient with decorrelation_sum; the result must equal
  // the concurrent gradient of the same member bit for bit.
  ThreeMembers case_data;
  const auto concurrent = case_data.gradients_for({Method::decorrelated, 0.6, Indicator::all_previous, LossKind::squared_error});
  std::vector<ConstMatrixView> earlier{case_data.outputs[0].view(), case_data.outputs[1].view()};
  Matrix sum(1, 1);
  decorrelation_sum(Indicator::all_previous, 2, earlier, case_data.target.view(), sum.view());
  EXPECT_NEAR(sum(0, 0), -0.1, 1e-15);
  Matrix gradient(1, 1);
  const ConstMatrixView sum_view = sum.view();
  decorrelated_member_gradient(0.6, LossKind::squared_error, case_data.outputs[2].view(), case_data.target.view(),
                               &sum_view, gradient.view());
  EXPECT_TRUE(testing::same_bits(gradient(0, 0), concurrent[2]));
}

TEST(Penalties, ShapeMismatchIsRejected) {
  ThreeMembers case_data;
  std::vector<ConstMatrixView> outputs{case_data.outputs[0].view(), case_data.outputs[1].view()};
  std::vector<MatrixView> gradients{case_data.gradients[0].view()};
  EXPECT_THROW(penalty_output_gradients({}, outputs, case_data.target.view(), case_data.ensemble.view(), gradients),
               std::invalid_argument);
}

}  // namespace
}  // namespace nclab
