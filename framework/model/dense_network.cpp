#include "framework/model/dense_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "framework/core/error.hpp"
#include "framework/math/dense.hpp"
#include "framework/math/dense_loop.hpp"
#include "framework/math/shape_check.hpp"
#include "framework/math/sigmoid.hpp"
#include "framework/math/softmax.hpp"

namespace nclab {
namespace {

void apply_activation(Activation activation, MatrixView values) {
  switch (activation) {
    case Activation::identity:
      return;
    case Activation::sigmoid:
      sigmoid_inplace(values);
      return;
    case Activation::softmax:
      softmax_rows_inplace(values);
      return;
  }
}

// Turns dL/dA into dL/dZ in place, where A = f(Z) is stored in `outputs`.
void chain_activation(Activation activation, ConstMatrixView outputs, MatrixView gradient) {
  switch (activation) {
    case Activation::identity:
      return;
    case Activation::sigmoid:
      sigmoid_backward_inplace(outputs, gradient);
      return;
    case Activation::softmax:
      softmax_backward_inplace(outputs, gradient);
      return;
  }
}

ConstMatrixView weight_view(const LayerLayout& layout, const double* buffer) {
  return {buffer + layout.weight_offset, layout.rows, layout.cols, layout.cols};
}

MatrixView weight_view(const LayerLayout& layout, double* buffer) {
  return {buffer + layout.weight_offset, layout.rows, layout.cols, layout.cols};
}

std::span<const double> bias_view(const LayerLayout& layout, const double* buffer) {
  return {buffer + layout.bias_offset, layout.bias_size};
}

// The layer kernels without dense_forward's and dense_backward's shape checks: the network builds every
// view from its own layout, and forward() checks X and Y.
void layer_forward(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y) {
  if (dense_forward_uses_blas(x.rows, w.rows, w.cols)) {
    detail::dense_forward_blas(x, w, b, y);
  } else {
    detail::dense_forward_loop_kernel(x, w, b, y);
  }
}

void layer_backward(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw, std::span<double> db,
                    MatrixView* dx) {
  if (dense_backward_uses_blas(x.rows, w.rows, w.cols)) {
    detail::dense_backward_blas(x, w, g, dw, db, dx);
  } else {
    detail::dense_backward_loop_kernel(x, w, g, dw, db, dx);
  }
}

// Copies the rows of `source` into `target` of the same shape. Rows of up to 8 values are copied with
// inline moves: at batch 1 a memcpy call per row cost more than the copy itself.
void copy_rows(ConstMatrixView source, MatrixView target) {
  for (std::size_t n = 0; n < source.rows; ++n) {
    const double* __restrict from = source.data + n * source.stride;
    double* __restrict to = target.data + n * target.stride;
    if (source.cols > 8) {
      std::copy_n(from, source.cols, to);
      continue;
    }
#pragma GCC unroll 8
    for (std::size_t c = 0; c < source.cols; ++c) to[c] = from[c];
  }
}

}  // namespace

DenseNetwork::DenseNetwork(std::size_t inputs, std::vector<DenseLayerSpec> layers) : inputs_(inputs) {
  if (inputs == 0) throw InputError("dense network: the input size must be at least 1, got 0");
  if (layers.empty()) throw InputError("dense network: at least one layer is required");

  std::size_t offset = 0;
  std::size_t previous_units = inputs;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const DenseLayerSpec& spec = layers[l];
    const std::string name = "layer" + std::to_string(l + 1);
    if (spec.units == 0) throw InputError("dense network: " + name + " must have at least 1 unit, got 0");
    if (spec.activation == Activation::softmax && l + 1 != layers.size()) {
      throw InputError("dense network: " + name + " is a hidden layer and cannot use softmax; use it on the last layer only");
    }

    Layer layer;
    layer.layout.name = name;
    layer.layout.rows = spec.units;
    layer.layout.cols = previous_units;
    layer.layout.activation = spec.activation;
    layer.layout.weight_offset = offset;
    offset += spec.units * previous_units;
    layer.layout.bias_offset = offset;
    layer.layout.bias_size = spec.units;
    offset += spec.units;

    layers_.push_back(std::move(layer));
    previous_units = spec.units;
  }
  parameters_.assign(offset, 0.0);
}

std::vector<LayerLayout> DenseNetwork::layout() const {
  std::vector<LayerLayout> result;
  result.reserve(layers_.size());
  for (const Layer& layer : layers_) result.push_back(layer.layout);
  return result;
}

ConstMatrixView DenseNetwork::weights(std::size_t index) const {
  return weight_view(layers_.at(index).layout, parameters_.data());
}

std::span<const double> DenseNetwork::biases(std::size_t index) const {
  return bias_view(layers_.at(index).layout, parameters_.data());
}

ConstMatrixView DenseNetwork::layer_output(std::size_t index) const { return batch_rows(layers_.at(index).output); }

void DenseNetwork::reserve_rows(std::size_t rows, bool backward, bool input_copy) {
  if (rows > output_rows_) {
    for (Layer& layer : layers_) layer.output.resize(rows, layer.layout.rows);
    output_rows_ = rows;
  }
  if (backward && rows > backward_rows_) {
    for (Layer& layer : layers_) layer.delta.resize(rows, layer.layout.rows);
    backward_rows_ = rows;
  }
  if (input_copy && rows > input_rows_) {
    input_.resize(rows, inputs_);
    input_rows_ = rows;
  }
}

void DenseNetwork::run_layers(ConstMatrixView input, MatrixView y) {
  ConstMatrixView layer_input = input;
  for (Layer& layer : layers_) {
    const MatrixView output = batch_rows(layer.output);
    layer_forward(layer_input, weight_view(layer.layout, parameters_.data()),
                  bias_view(layer.layout, parameters_.data()), output);
    apply_activation(layer.layout.activation, output);
    layer_input = output;
  }
  copy_rows(layer_input, y);
}

void DenseNetwork::start_forward(ConstMatrixView x, MatrixView y, bool input_copy) {
  detail::require_shape("DenseNetwork::forward: X", x, x.rows, inputs_);
  detail::require_shape("DenseNetwork::forward: Y", y, x.rows, output_size());
  reserve_rows(x.rows, true, input_copy);
  batch_rows_ = x.rows;
}

void DenseNetwork::forward(ConstMatrixView x, MatrixView y) {
  start_forward(x, y, true);
  const MatrixView input = batch_rows(input_);
  copy_rows(x, input);
  input_kept_ = false;
  run_layers(input, y);
  has_forward_ = true;
}

void DenseNetwork::forward_keeping_input(ConstMatrixView x, MatrixView y) {
  start_forward(x, y, false);
  kept_input_ = x;
  input_kept_ = true;
  run_layers(x, y);
  has_forward_ = true;
}

void DenseNetwork::predict(ConstMatrixView x, MatrixView y) {
  detail::require_shape("DenseNetwork::predict: X", x, x.rows, inputs_);
  detail::require_shape("DenseNetwork::predict: Y", y, x.rows, output_size());

  reserve_rows(x.rows, false);
  batch_rows_ = x.rows;
  has_forward_ = false;
  run_layers(x, y);
}

void DenseNetwork::start_backward(bool stepping, ConstMatrixView grad, GradientAt at, std::size_t buffer_values,
                                  const MatrixView* input_grad) {
  // Literal names: building them as strings on every call would allocate in every training step.
  const char* caller = stepping ? "DenseNetwork::backward_and_step" : "DenseNetwork::backward";
  if (!has_forward_) {
    throw std::logic_error(std::string(caller) + ": call forward() first (predict() keeps nothing for backward)");
  }
  const std::size_t batch = batch_rows_;
  detail::require_shape(stepping ? "DenseNetwork::backward_and_step: gradient" : "DenseNetwork::backward: gradient",
                        grad, batch, output_size());
  if (buffer_values != parameters_.size()) {
    throw std::invalid_argument(std::string(caller) + (stepping ? ": scratch has " : ": param_grad has ") +
                                std::to_string(buffer_values) + " entries, expected " +
                                std::to_string(parameters_.size()));
  }
  if (input_grad != nullptr) detail::require_shape("DenseNetwork::backward: input_grad", *input_grad, batch, inputs_);

  // Output layer: delta_L = dL/dZ_L. GradientAt::output chains the given dL/dA_L through f_L,
  // including the full softmax Jacobian. GradientAt::logits already is dL/dZ_L.
  Layer& last = layers_.back();
  const MatrixView last_delta = batch_rows(last.delta);
  copy_rows(grad, last_delta);
  if (at == GradientAt::output) chain_activation(last.layout.activation, batch_rows(last.output), last_delta);
}

template <typename LayerPass>
void DenseNetwork::propagate_down(MatrixView* input_grad, LayerPass pass) {
  // Layer l, from the top: pass(layer, A_{l-1}, below) writes delta_l W_l to `below`, which is
  // delta_{l-1} before f'_{l-1} or, below the first layer, dL/dX (skipped when input_grad is null).
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& layer = layers_[l];
    const ConstMatrixView layer_input = l > 0 ? batch_rows(layers_[l - 1].output) : forward_input();
    MatrixView below_delta;
    MatrixView* below = input_grad;
    if (l > 0) {
      below_delta = batch_rows(layers_[l - 1].delta);
      below = &below_delta;
    }

    pass(layer, layer_input, below);

    if (l > 0) chain_activation(layers_[l - 1].layout.activation, layer_input, below_delta);
  }
}

void DenseNetwork::backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) {
  start_backward(false, grad, at, param_grad.size(), input_grad);

  // dW_l = delta_l^T A_{l-1} and db_l = column sums of delta_l.
  propagate_down(input_grad, [&](Layer& layer, ConstMatrixView layer_input, MatrixView* below) {
    layer_backward(layer_input, weight_view(layer.layout, parameters_.data()), batch_rows(layer.delta),
                   weight_view(layer.layout, param_grad.data()),
                   param_grad.subspan(layer.layout.bias_offset, layer.layout.bias_size), below);
  });
  end_kept_batch();
}

void DenseNetwork::backward_and_step(ConstMatrixView grad, GradientAt at, double rate, std::span<double> scratch) {
  start_backward(true, grad, at, scratch.size(), nullptr);

  // Each layer steps right after its delta_{l-1} has been computed from its old W_l. BLAS-sized
  // layers step inside the weight-gradient product. Small ones compute dW into `scratch` and step
  // element by element, as MomentumSgd does.
  propagate_down(nullptr, [&](Layer& layer, ConstMatrixView layer_input, MatrixView* below) {
    const LayerLayout& layout = layer.layout;
    const std::span<double> db = scratch.subspan(layout.bias_offset, layout.bias_size);
    if (dense_backward_uses_blas(layer_input.rows, layout.rows, layout.cols)) {
      detail::dense_step_blas(layer_input, weight_view(layout, parameters_.data()), batch_rows(layer.delta), rate, db,
                              below);
    } else {
      layer_backward(layer_input, weight_view(layout, parameters_.data()), batch_rows(layer.delta),
                     weight_view(layout, scratch.data()), db, below);
      double* w = parameters_.data() + layout.weight_offset;
      const double* dw = scratch.data() + layout.weight_offset;
      for (std::size_t p = 0; p < layout.rows * layout.cols; ++p) w[p] += -rate * dw[p];
    }
    double* b = parameters_.data() + layout.bias_offset;
    for (std::size_t o = 0; o < layout.bias_size; ++o) b[o] += -rate * db[o];
  });
  end_kept_batch();
}

void DenseNetwork::end_kept_batch() {
  // The caller's X may be gone once its backward pass has run, so a second one needs a new forward().
  if (input_kept_) has_forward_ = false;
}

std::unique_ptr<Model> DenseNetwork::clone() const { return std::make_unique<DenseNetwork>(*this); }

}  // namespace nclab
