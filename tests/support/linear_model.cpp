#include "tests/support/linear_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nclab::testing {

LinearModel::LinearModel(std::size_t inputs, std::size_t outputs, Activation activation)
    : inputs_(inputs),
      outputs_(outputs),
      activation_(activation),
      parameters_(outputs * inputs + outputs, 0.0),
      logit_gradient_(outputs, 0.0) {
  if (activation == Activation::sigmoid) throw std::invalid_argument("LinearModel supports identity and softmax");
}

std::vector<LayerLayout> LinearModel::layout() const {
  LayerLayout layer;
  layer.name = "layer1";
  layer.weight_offset = 0;
  layer.rows = outputs_;
  layer.cols = inputs_;
  layer.bias_offset = outputs_ * inputs_;
  layer.bias_size = outputs_;
  layer.activation = activation_;
  return {layer};
}

void LinearModel::forward(ConstMatrixView x, MatrixView y) {
  inputs_cache_.resize(x.rows, inputs_);
  outputs_cache_.resize(x.rows, outputs_);
  const double* weights = parameters_.data();
  const double* bias = parameters_.data() + outputs_ * inputs_;
  for (std::size_t n = 0; n < x.rows; ++n) {
    std::copy_n(x.row(n).data(), inputs_, inputs_cache_.row(n).data());
    const auto out = y.row(n);
    for (std::size_t k = 0; k < outputs_; ++k) {
      double u = bias[k];
      for (std::size_t j = 0; j < inputs_; ++j) u += weights[k * inputs_ + j] * x(n, j);
      out[k] = u;
    }
    if (activation_ == Activation::softmax) {
      const double largest = *std::max_element(out.begin(), out.end());
      double total = 0.0;
      for (double& value : out) {
        value = std::exp(value - largest);
        total += value;
      }
      for (double& value : out) value /= total;
    }
    std::copy(out.begin(), out.end(), outputs_cache_.row(n).begin());
  }
}

void LinearModel::backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad,
                           MatrixView* input_grad) {
  std::fill(param_grad.begin(), param_grad.end(), 0.0);
  double* weight_grad = param_grad.data();
  double* bias_grad = param_grad.data() + outputs_ * inputs_;
  for (std::size_t n = 0; n < grad.rows; ++n) {
    const auto g = grad.row(n);
    const auto y = outputs_cache_.row(n);
    if (at == GradientAt::output && activation_ == Activation::softmax) {
      // dL/du_k = sum_i g_i y_i (delta_ik - y_k) = y_k (g_k - sum_i g_i y_i)
      double weighted = 0.0;
      for (std::size_t i = 0; i < outputs_; ++i) weighted += g[i] * y[i];
      for (std::size_t k = 0; k < outputs_; ++k) logit_gradient_[k] = y[k] * (g[k] - weighted);
    } else {
      std::copy(g.begin(), g.end(), logit_gradient_.begin());
    }
    for (std::size_t k = 0; k < outputs_; ++k) {
      for (std::size_t j = 0; j < inputs_; ++j) weight_grad[k * inputs_ + j] += logit_gradient_[k] * inputs_cache_(n, j);
      bias_grad[k] += logit_gradient_[k];
    }
    if (input_grad != nullptr) {
      for (std::size_t j = 0; j < inputs_; ++j) {
        double sum = 0.0;
        for (std::size_t k = 0; k < outputs_; ++k) sum += logit_gradient_[k] * parameters_[k * inputs_ + j];
        (*input_grad)(n, j) = sum;
      }
    }
  }
}

}  // namespace nclab::testing
