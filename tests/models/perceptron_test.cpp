// Perceptron with softmax outputs and cross-entropy: y = softmax(x W^T + b),
// J_T = -(1/N) sum_n sum_k t_nk log y_nk, so dJ_T/dw_ij = (1/N) sum_n (y_i - t_i) x_j and
// dJ_T/db_i = (1/N) sum_n (y_i - t_i).

#include <gtest/gtest.h>

#include <vector>

#include "framework/math/cross_entropy.hpp"
#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace nclab {
namespace {

struct PerceptronExample {
  std::unique_ptr<Model> model;
  Matrix x{2, 3};
  Matrix t{2, 3, 0.0};
};

PerceptronExample worked_example() {
  const ModelRegistry& registry = ModelRegistry::instance();
  PerceptronExample example;
  example.model = registry.create("perceptron", registry.make_config("perceptron", 3, 3, Activation::softmax, {}));
  // W (3 x 3, row-major) followed by b.
  const std::vector<double> parameters = {0.1, -0.2, 0.3, 0.0, 0.4, -0.1, -0.3, 0.2, 0.2, 0.05, -0.05, 0.1};
  std::copy(parameters.begin(), parameters.end(), example.model->parameters().begin());
  const double inputs[] = {0.5, -1.0, 2.0, 1.5, 0.25, -0.5};
  std::copy(std::begin(inputs), std::end(inputs), example.x.storage().begin());
  example.t(0, 2) = 1.0;  // pattern 1 is class 3
  example.t(1, 0) = 1.0;  // pattern 2 is class 1
  return example;
}

// Values computed by hand (with Python floats) from the equations above for the worked example.
TEST(Perceptron, SoftmaxCrossEntropyGradientWorkedExample) {
  PerceptronExample example = worked_example();
  Matrix y(2, 3), grad(2, 3);
  example.model->forward(example.x, y);
  EXPECT_NEAR(y(0, 0), 0.593607608286155, 1e-15);
  EXPECT_NEAR(y(1, 1), 0.39818934104493597, 1e-15);
  EXPECT_NEAR(cross_entropy(y, example.t), 1.146182212785354, 1e-14);

  softmax_cross_entropy_gradient(y, example.t, grad);
  std::vector<double> param_grad(example.model->parameter_count());
  example.model->backward(grad, GradientAt::logits, param_grad, nullptr);

  const double expected_w[3][3] = {
      {-0.33137563649805624, -0.37676672723800997, 0.75353345447601994},
      {0.33014000881042083, -0.013222338422820681, 0.026444676845641363},
      {0.0012356276876352712, 0.38998906566083069, -0.77997813132166138},
  };
  const double expected_b[3] = {-0.023047888236652492, 0.26209067657590568, -0.2390427883392533};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(param_grad[i * 3 + j], expected_w[i][j], 1e-14) << "dJ/dw_" << i << j;
    }
    EXPECT_NEAR(param_grad[9 + i], expected_b[i], 1e-14) << "dJ/db_" << i;
  }
}

// The same gradient through dJ/dy = -t/(N y) and the full softmax Jacobian: the chain rule must give
// (y_i - t_i) x_j once the sum over k of t_k (delta_ik - y_i) collapses.
TEST(Perceptron, ChainThroughJacobianMatchesFusedGradient) {
  PerceptronExample example = worked_example();
  Matrix y(2, 3), fused(2, 3), chained(2, 3);
  example.model->forward(example.x, y);
  softmax_cross_entropy_gradient(y, example.t, fused);
  cross_entropy_gradient(y, example.t, chained);

  std::vector<double> fused_grad(example.model->parameter_count()), chained_grad(example.model->parameter_count());
  example.model->backward(fused, GradientAt::logits, fused_grad, nullptr);
  example.model->backward(chained, GradientAt::output, chained_grad, nullptr);
  for (std::size_t i = 0; i < fused_grad.size(); ++i) EXPECT_NEAR(chained_grad[i], fused_grad[i], 1e-15) << i;
}

// Averaging happens in the loss gradient: doubling the batch by repeating it leaves the gradient of
// the mean loss unchanged.
TEST(Perceptron, GradientIsAveragedOverPatterns) {
  PerceptronExample example = worked_example();
  Matrix x2(4, 3), t2(4, 3);
  for (std::size_t n = 0; n < 4; ++n) {
    for (std::size_t k = 0; k < 3; ++k) {
      x2(n, k) = example.x(n % 2, k);
      t2(n, k) = example.t(n % 2, k);
    }
  }
  Matrix y(2, 3), grad(2, 3), y2(4, 3), grad2(4, 3);
  std::vector<double> once(example.model->parameter_count()), twice(example.model->parameter_count());
  example.model->forward(example.x, y);
  softmax_cross_entropy_gradient(y, example.t, grad);
  example.model->backward(grad, GradientAt::logits, once, nullptr);
  example.model->forward(x2, y2);
  softmax_cross_entropy_gradient(y2, t2, grad2);
  example.model->backward(grad2, GradientAt::logits, twice, nullptr);
  for (std::size_t i = 0; i < once.size(); ++i) EXPECT_NEAR(twice[i], once[i], 1e-15) << i;
}

}  // namespace
}  // namespace nclab
