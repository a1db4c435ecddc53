// Model::backward_and_step's default, which plugin models and other models without a fused step use.

#include <gtest/gtest.h>

#include <vector>

#include "framework/core/rng.hpp"
#include "framework/ensemble/optimizer.hpp"
#include "tests/support/gradient_check.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab {
namespace {

TEST(ModelStep, DefaultMatchesBackwardThenSgd) {
  testing::LinearModel model(6, 3, Activation::softmax);
  Rng rng(12);
  model.initialize_uniform(rng, 0.9);
  testing::LinearModel reference = model;
  const Matrix x = test_support::random_matrix(5, 6, rng);
  const Matrix grad = test_support::random_matrix(5, 3, rng);
  const double learning_rate = 0.37;
  const double scale = 1.0 / 5.0;

  Matrix y(5, 3);
  std::vector<double> g(reference.parameter_count());
  reference.forward(x, y);
  reference.backward(grad, GradientAt::output, g, nullptr);
  MomentumSgd sgd(reference.parameter_count(), learning_rate, 0.0);
  sgd.step(reference.parameters(), g, scale);

  std::vector<double> scratch(model.parameter_count());
  model.forward(x, y);
  model.backward_and_step(grad, GradientAt::output, learning_rate * scale, scratch);
  const std::vector<double> expected(reference.parameters().begin(), reference.parameters().end());
  const std::vector<double> actual(model.parameters().begin(), model.parameters().end());
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(scratch, g) << "the scratch holds the gradient the step used";
}

}  // namespace
}  // namespace nclab
