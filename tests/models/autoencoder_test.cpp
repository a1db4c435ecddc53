// Autoencoder gradients against the derivation written index by index. With m inputs, L1 outer and
// L2 code units, one pattern per row:
//   U = sigmoid(X W1^T + b1), Z = U W2^T + b2, V = sigmoid(Z W3^T + b3), Y = V W4^T + b4
//   J_T = (1/N) sum_n 1/2 sum_o (y_o - x_o)^2
//   dJ_T/dw4_ol = (1/N) sum_n (y_o - x_o) v_l
//   dJ_T/dw3_lk = (1/N) sum_n sum_o (y_o - x_o) w4_ol v_l (1 - v_l) z_k
//   dJ_T/dw2_kj = (1/N) sum_n sum_o sum_l (y_o - x_o) w4_ol v_l (1 - v_l) w3_lk u_j
//   dJ_T/dw1_ji = (1/N) sum_n sum_o sum_l sum_k (y_o - x_o) w4_ol v_l (1 - v_l) w3_lk w2_kj u_j (1 - u_j) x_i
// and each bias gradient is the same sum without the last factor.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/math/squared_error.hpp"
#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"
#include "tests/support/gradient_check.hpp"

namespace nclab {
namespace {

constexpr std::size_t m = 4;   // inputs and outputs
constexpr std::size_t L1 = 3;  // first and third layer units
constexpr std::size_t L2 = 2;  // code units
constexpr std::size_t N = 3;   // patterns

class AutoencoderGradient : public ::testing::Test {
 protected:
  void SetUp() override {
    const ModelRegistry& registry = ModelRegistry::instance();
    model_ = registry.create("autoencoder", registry.make_config("autoencoder", m, m, Activation::identity,
                                                                  {{"hidden", double(L1)}, {"code", double(L2)}}));
    network_ = dynamic_cast<const DenseNetwork*>(model_.get());
    ASSERT_NE(network_, nullptr);

    Rng rng(2024);
    model_->initialize_uniform(rng, 1.0);
    x_ = test_support::random_matrix(N, m, rng);
    Matrix y(N, m), grad(N, m);
    model_->forward(x_, y);
    squared_error_gradient(y, x_, grad);  // targets are the inputs
    param_grad_.assign(model_->parameter_count(), 0.0);
    model_->backward(grad, GradientAt::output, param_grad_, nullptr);
    layout_ = model_->layout();
  }

  double error(std::size_t n, std::size_t o) const { return y()(n, o) - x_(n, o); }  // y_o - x_o
  ConstMatrixView u() const { return network_->layer_output(0); }
  ConstMatrixView z() const { return network_->layer_output(1); }
  ConstMatrixView v() const { return network_->layer_output(2); }
  ConstMatrixView y() const { return network_->layer_output(3); }
  ConstMatrixView w(std::size_t layer) const { return network_->weights(layer - 1); }
  double weight_grad(std::size_t layer, std::size_t row, std::size_t col) const {
    const LayerLayout& l = layout_[layer - 1];
    return param_grad_[l.weight_offset + row * l.cols + col];
  }
  double bias_grad(std::size_t layer, std::size_t row) const { return param_grad_[layout_[layer - 1].bias_offset + row]; }

  // sum_o (y_o - x_o) w4_ol v_l (1 - v_l): dJ/d(pre-activation of v_l) for pattern n.
  double delta3(std::size_t n, std::size_t l) const {
    double sum = 0.0;
    for (std::size_t o = 0; o < m; ++o) sum += error(n, o) * w(4)(o, l) * v()(n, l) * (1.0 - v()(n, l));
    return sum;
  }

  std::unique_ptr<Model> model_;
  const DenseNetwork* network_ = nullptr;
  Matrix x_;
  std::vector<double> param_grad_;
  std::vector<LayerLayout> layout_;
};

TEST_F(AutoencoderGradient, FourthLayerUsesReconstructionError) {
  double largest = 0.0;
  for (std::size_t o = 0; o < m; ++o) {
    double bias = 0.0;
    for (std::size_t n = 0; n < N; ++n) bias += error(n, o) / N;
    EXPECT_NEAR(bias_grad(4, o), bias, 1e-15) << "dJ/db4_" << o;
    for (std::size_t l = 0; l < L1; ++l) {
      double weight = 0.0;
      for (std::size_t n = 0; n < N; ++n) weight += error(n, o) * v()(n, l) / N;
      EXPECT_NEAR(weight_grad(4, o, l), weight, 1e-15) << "dJ/dw4_" << o << l;
      largest = std::max(largest, std::abs(weight_grad(4, o, l)));
    }
  }
  // (y_o - y_o) would make every output-layer gradient zero.
  EXPECT_GT(largest, 1e-2);
}

TEST_F(AutoencoderGradient, ThirdLayer) {
  for (std::size_t l = 0; l < L1; ++l) {
    double bias = 0.0;
    for (std::size_t n = 0; n < N; ++n) bias += delta3(n, l) / N;
    EXPECT_NEAR(bias_grad(3, l), bias, 1e-15) << "dJ/db3_" << l;
    for (std::size_t k = 0; k < L2; ++k) {
      double weight = 0.0;
      for (std::size_t n = 0; n < N; ++n) weight += delta3(n, l) * z()(n, k) / N;
      EXPECT_NEAR(weight_grad(3, l, k), weight, 1e-15) << "dJ/dw3_" << l << k;
    }
  }
}

TEST_F(AutoencoderGradient, SecondLayer) {
  for (std::size_t k = 0; k < L2; ++k) {
    double bias = 0.0;
    for (std::size_t n = 0; n < N; ++n) {
      for (std::size_t l = 0; l < L1; ++l) bias += delta3(n, l) * w(3)(l, k) / N;
    }
    EXPECT_NEAR(bias_grad(2, k), bias, 1e-15) << "dJ/db2_" << k;
    for (std::size_t j = 0; j < L1; ++j) {
      double weight = 0.0;
      for (std::size_t n = 0; n < N; ++n) {
        for (std::size_t l = 0; l < L1; ++l) weight += delta3(n, l) * w(3)(l, k) * u()(n, j) / N;
      }
      EXPECT_NEAR(weight_grad(2, k, j), weight, 1e-15) << "dJ/dw2_" << k << j;
    }
  }
}

TEST_F(AutoencoderGradient, FirstLayer) {
  for (std::size_t j = 0; j < L1; ++j) {
    double bias = 0.0;
    std::vector<double> weight(m, 0.0);
    for (std::size_t n = 0; n < N; ++n) {
      for (std::size_t l = 0; l < L1; ++l) {
        for (std::size_t k = 0; k < L2; ++k) {
          const double chain = delta3(n, l) * w(3)(l, k) * w(2)(k, j) * u()(n, j) * (1.0 - u()(n, j)) / N;
          bias += chain;
          for (std::size_t i = 0; i < m; ++i) weight[i] += chain * x_(n, i);
        }
      }
    }
    EXPECT_NEAR(bias_grad(1, j), bias, 1e-15) << "dJ/db1_" << j;
    for (std::size_t i = 0; i < m; ++i) EXPECT_NEAR(weight_grad(1, j, i), weight[i], 1e-15) << "dJ/dw1_" << j << i;
  }
}

}  // namespace
}  // namespace nclab
