// MLP with softmax outputs and cross-entropy, checked against the derivation written index by index:
//   v_l = sum_j x_j a_lj + b_al,  z_l = sigmoid(v_l),  u_i = sum_l z_l b_il + b_bi,  y = softmax(u)
//   dJ_T/db_il = (1/N) sum_n (y_i - t_i) z_l
//   dJ_T/db_bi = (1/N) sum_n (y_i - t_i)
//   dJ_T/da_lj = (1/N) sum_n sum_i (y_i - t_i) b_il z_l (1 - z_l) x_j
//   dJ_T/db_al = (1/N) sum_n sum_i (y_i - t_i) b_il z_l (1 - z_l)

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/math/cross_entropy.hpp"
#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"
#include "tests/support/gradient_check.hpp"

namespace nclab {
namespace {

constexpr std::size_t inputs = 3;   // m
constexpr std::size_t hidden = 4;   // L
constexpr std::size_t classes = 3;  // nc
constexpr std::size_t batch = 5;    // N

struct MlpExample {
  std::unique_ptr<Model> model;
  const DenseNetwork* network = nullptr;
  Matrix x;
  Matrix t;
  Matrix y{batch, classes};
  std::vector<double> param_grad;
};

MlpExample forward_and_backward() {
  const ModelRegistry& registry = ModelRegistry::instance();
  MlpExample e;
  e.model = registry.create("mlp", registry.make_config("mlp", inputs, classes, Activation::softmax,
                                                         {{"hidden", static_cast<double>(hidden)}}));
  e.network = dynamic_cast<const DenseNetwork*>(e.model.get());
  Rng rng(77);
  e.model->initialize_uniform(rng, 1.0);
  e.x = test_support::random_matrix(batch, inputs, rng);
  e.t = test_support::random_one_hot(batch, classes, rng);

  Matrix grad(batch, classes);
  e.model->forward(e.x, e.y);
  softmax_cross_entropy_gradient(e.y, e.t, grad);
  e.param_grad.assign(e.model->parameter_count(), 0.0);
  e.model->backward(grad, GradientAt::logits, e.param_grad, nullptr);
  return e;
}

TEST(Mlp, SecondLayerGradientMatchesDerivation) {
  MlpExample e = forward_and_backward();
  ASSERT_NE(e.network, nullptr);
  const ConstMatrixView z = e.network->layer_output(0);
  const LayerLayout second = e.model->layout()[1];

  for (std::size_t i = 0; i < classes; ++i) {
    double bias = 0.0;
    for (std::size_t n = 0; n < batch; ++n) bias += (e.y(n, i) - e.t(n, i)) / batch;
    EXPECT_NEAR(e.param_grad[second.bias_offset + i], bias, 1e-15) << "dJ/db_b" << i;
    for (std::size_t l = 0; l < hidden; ++l) {
      double weight = 0.0;
      for (std::size_t n = 0; n < batch; ++n) weight += (e.y(n, i) - e.t(n, i)) * z(n, l) / batch;
      EXPECT_NEAR(e.param_grad[second.weight_offset + i * hidden + l], weight, 1e-15) << "dJ/db_" << i << l;
    }
  }
}

TEST(Mlp, FirstLayerGradientSumsOverOutputUnits) {
  MlpExample e = forward_and_backward();
  ASSERT_NE(e.network, nullptr);
  const ConstMatrixView z = e.network->layer_output(0);
  const ConstMatrixView b = e.network->weights(1);  // b_il, classes x hidden
  const LayerLayout first = e.model->layout()[0];

  double largest_gap = 0.0;  // between the full sum over i and its i = 0 term alone
  for (std::size_t l = 0; l < hidden; ++l) {
    double bias = 0.0;
    for (std::size_t n = 0; n < batch; ++n) {
      for (std::size_t i = 0; i < classes; ++i) {
        bias += (e.y(n, i) - e.t(n, i)) * b(i, l) * z(n, l) * (1.0 - z(n, l)) / batch;
      }
    }
    EXPECT_NEAR(e.param_grad[first.bias_offset + l], bias, 1e-15) << "dJ/db_a" << l;

    for (std::size_t j = 0; j < inputs; ++j) {
      double weight = 0.0;
      double first_term_only = 0.0;
      for (std::size_t n = 0; n < batch; ++n) {
        const double hidden_slope = z(n, l) * (1.0 - z(n, l));
        for (std::size_t i = 0; i < classes; ++i) {
          const double term = (e.y(n, i) - e.t(n, i)) * b(i, l) * hidden_slope * e.x(n, j) / batch;
          weight += term;
          if (i == 0) first_term_only += term;
        }
      }
      EXPECT_NEAR(e.param_grad[first.weight_offset + l * inputs + j], weight, 1e-15) << "dJ/da_" << l << j;
      largest_gap = std::max(largest_gap, std::abs(weight - first_term_only));
    }
  }
  // A single output unit's term, without the sum over i, is not the gradient.
  EXPECT_GT(largest_gap, 1e-3);
}

}  // namespace
}  // namespace nclab
