#include "framework/model/dense_network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "framework/core/error.hpp"
#include "framework/math/dense.hpp"
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

ConstMatrixView DenseNetwork::weight_view(const LayerLayout& layout) const {
  return {parameters_.data() + layout.weight_offset, layout.rows, layout.cols, layout.cols};
}

MatrixView DenseNetwork::weight_view(const LayerLayout& layout, std::span<double> buffer) const {
  return {buffer.data() + layout.weight_offset, layout.rows, layout.cols, layout.cols};
}

std::span<const double> DenseNetwork::bias_view(const LayerLayout& layout) const {
  return std::span<const double>(parameters_).subspan(layout.bias_offset, layout.bias_size);
}

ConstMatrixView DenseNetwork::weights(std::size_t index) const { return weight_view(layers_.at(index).layout); }

std::span<const double> DenseNetwork::biases(std::size_t index) const { return bias_view(layers_.at(index).layout); }

ConstMatrixView DenseNetwork::layer_output(std::size_t index) const { return layers_.at(index).output.view(); }

void DenseNetwork::forward(ConstMatrixView x, MatrixView y) {
  detail::require_shape("DenseNetwork::forward: X", x, x.rows, inputs_);
  detail::require_shape("DenseNetwork::forward: Y", y, x.rows, output_size());

  const std::size_t batch = x.rows;
  input_.resize(batch, inputs_);
  for (std::size_t n = 0; n < batch; ++n) std::copy_n(x.data + n * x.stride, inputs_, input_.row(n).begin());

  ConstMatrixView layer_input = input_.view();
  for (Layer& layer : layers_) {
    layer.output.resize(batch, layer.layout.rows);
    layer.delta.resize(batch, layer.layout.rows);
    dense_forward(layer_input, weight_view(layer.layout), bias_view(layer.layout), layer.output.view());
    apply_activation(layer.layout.activation, layer.output.view());
    layer_input = layer.output.view();
  }

  const Matrix& output = layers_.back().output;
  for (std::size_t n = 0; n < batch; ++n) std::copy_n(output.row(n).begin(), output.cols(), y.data + n * y.stride);
  has_forward_ = true;
}

void DenseNetwork::backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) {
  if (!has_forward_) throw std::logic_error("DenseNetwork::backward: call forward() first");
  const std::size_t batch = input_.rows();
  detail::require_shape("DenseNetwork::backward: gradient", grad, batch, output_size());
  if (param_grad.size() != parameters_.size()) {
    throw std::invalid_argument("DenseNetwork::backward: param_grad has " + std::to_string(param_grad.size()) +
                                " entries, expected " + std::to_string(parameters_.size()));
  }
  if (input_grad != nullptr) detail::require_shape("DenseNetwork::backward: input_grad", *input_grad, batch, inputs_);

  // Output layer: delta_L = dL/dZ_L. GradientAt::output chains the given dL/dA_L through f_L,
  // including the full softmax Jacobian. GradientAt::logits already is dL/dZ_L.
  Layer& last = layers_.back();
  for (std::size_t n = 0; n < batch; ++n) std::copy_n(grad.data + n * grad.stride, grad.cols, last.delta.row(n).begin());
  if (at == GradientAt::output) chain_activation(last.layout.activation, last.output.view(), last.delta.view());

  // Layer l: dW_l = delta_l^T A_{l-1}, db_l = column sums of delta_l, and
  // delta_{l-1} = (delta_l W_l) * f'_{l-1}, or dL/dX = delta_1 W_1 below the first layer.
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& layer = layers_[l];
    const ConstMatrixView layer_input = l == 0 ? input_.view() : layers_[l - 1].output.view();
    MatrixView below_delta;
    MatrixView* below = input_grad;
    if (l > 0) {
      below_delta = layers_[l - 1].delta.view();
      below = &below_delta;
    }

    dense_backward(layer_input, weight_view(layer.layout), layer.delta.view(), weight_view(layer.layout, param_grad),
                   param_grad.subspan(layer.layout.bias_offset, layer.layout.bias_size), below);

    if (l > 0) chain_activation(layers_[l - 1].layout.activation, layers_[l - 1].output.view(), below_delta);
  }
}

std::unique_ptr<Model> DenseNetwork::clone() const { return std::make_unique<DenseNetwork>(*this); }

}  // namespace nclab
