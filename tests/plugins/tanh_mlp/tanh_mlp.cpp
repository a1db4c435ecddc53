// Test plugin: an MLP with a tanh hidden layer, written against the Model interface alone to show
// that a plugin needs nothing private from the framework.
//   h = tanh(x A^T + a)   A is hidden x inputs
//   y = f(h B^T + b)      B is outputs x hidden, f the configured output activation
// Parameters: A, a, B, b in that order.

#include <cmath>
#include <stdexcept>
#include <string>

#include "framework/math/dense.hpp"
#include "framework/math/sigmoid.hpp"
#include "framework/math/softmax.hpp"
#include "framework/model/registry.hpp"

namespace {

using namespace nclab;

class TanhMlp final : public Model {
 public:
  TanhMlp(std::size_t inputs, std::size_t hidden, std::size_t outputs, Activation output_activation)
      : inputs_(inputs), hidden_(hidden), outputs_(outputs), output_activation_(output_activation),
        parameters_(hidden * inputs + hidden + outputs * hidden + outputs, 0.0) {}

  std::size_t input_size() const override { return inputs_; }
  std::size_t output_size() const override { return outputs_; }
  Activation output_activation() const override { return output_activation_; }
  std::span<double> parameters() override { return parameters_; }
  std::span<const double> parameters() const override { return parameters_; }

  std::vector<LayerLayout> layout() const override {
    return {{"layer1", 0, hidden_, inputs_, hidden_ * inputs_, hidden_, Activation::identity},
            {"layer2", second_offset(), outputs_, hidden_, second_offset() + outputs_ * hidden_, outputs_,
             output_activation_}};
  }

  void forward(ConstMatrixView x, MatrixView y) override {
    input_.resize(x.rows, inputs_);
    for (std::size_t n = 0; n < x.rows; ++n) {
      for (std::size_t j = 0; j < inputs_; ++j) input_(n, j) = x(n, j);
    }
    hidden_values_.resize(x.rows, hidden_);
    output_values_.resize(x.rows, outputs_);

    dense_forward(input_, first_weights(parameters_), first_bias(parameters_), hidden_values_);
    for (double& value : hidden_values_.storage()) value = std::tanh(value);
    dense_forward(hidden_values_, second_weights(parameters_), second_bias(parameters_), output_values_);
    if (output_activation_ == Activation::sigmoid) sigmoid_inplace(output_values_);
    if (output_activation_ == Activation::softmax) softmax_rows_inplace(output_values_);

    for (std::size_t n = 0; n < x.rows; ++n) {
      for (std::size_t k = 0; k < outputs_; ++k) y(n, k) = output_values_(n, k);
    }
  }

  void backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) override {
    if (param_grad.size() != parameters_.size()) {
      throw std::invalid_argument("tanh-mlp: param_grad has " + std::to_string(param_grad.size()) +
                                  " entries, expected " + std::to_string(parameters_.size()));
    }
    const std::size_t batch = input_.rows();
    delta_out_.resize(batch, outputs_);
    delta_hidden_.resize(batch, hidden_);
    for (std::size_t n = 0; n < batch; ++n) {
      for (std::size_t k = 0; k < outputs_; ++k) delta_out_(n, k) = grad(n, k);
    }
    if (at == GradientAt::output && output_activation_ == Activation::sigmoid) {
      sigmoid_backward_inplace(output_values_, delta_out_);
    }
    if (at == GradientAt::output && output_activation_ == Activation::softmax) {
      softmax_backward_inplace(output_values_, delta_out_);
    }

    MatrixView hidden_view = delta_hidden_;
    dense_backward(hidden_values_, second_weights(parameters_), delta_out_, second_weights(param_grad),
                   param_grad.subspan(second_offset() + outputs_ * hidden_, outputs_), &hidden_view);
    // tanh'(s) = 1 - tanh(s)^2.
    for (std::size_t i = 0; i < delta_hidden_.size(); ++i) {
      const double h = hidden_values_.storage()[i];
      delta_hidden_.storage()[i] *= 1.0 - h * h;
    }
    dense_backward(input_, first_weights(parameters_), delta_hidden_, first_weights(param_grad),
                   param_grad.subspan(hidden_ * inputs_, hidden_), input_grad);
  }

  std::unique_ptr<Model> clone() const override { return std::make_unique<TanhMlp>(*this); }

 private:
  std::size_t second_offset() const { return hidden_ * inputs_ + hidden_; }
  MatrixView first_weights(std::span<double> buffer) const { return {buffer.data(), hidden_, inputs_, inputs_}; }
  ConstMatrixView first_weights(const std::vector<double>& buffer) const {
    return {buffer.data(), hidden_, inputs_, inputs_};
  }
  std::span<const double> first_bias(const std::vector<double>& buffer) const {
    return std::span<const double>(buffer).subspan(hidden_ * inputs_, hidden_);
  }
  MatrixView second_weights(std::span<double> buffer) const {
    return {buffer.data() + second_offset(), outputs_, hidden_, hidden_};
  }
  ConstMatrixView second_weights(const std::vector<double>& buffer) const {
    return {buffer.data() + second_offset(), outputs_, hidden_, hidden_};
  }
  std::span<const double> second_bias(const std::vector<double>& buffer) const {
    return std::span<const double>(buffer).subspan(second_offset() + outputs_ * hidden_, outputs_);
  }

  std::size_t inputs_, hidden_, outputs_;
  Activation output_activation_;
  std::vector<double> parameters_;
  Matrix input_, hidden_values_, output_values_, delta_out_, delta_hidden_;
};

ModelEntry tanh_mlp_entry() {
  ModelEntry entry;
  entry.name = "tanh-mlp";
  entry.description = "test plugin: one tanh hidden layer, then a dense layer with the task's output activation";
  entry.options = {{.name = "hidden",
                    .default_value = 8,
                    .min_value = 1,
                    .max_value = 1000,
                    .integer = true,
                    .help = "number of tanh units in the hidden layer"}};
  entry.create = [](const ModelConfig& config) -> std::unique_ptr<Model> {
    return std::make_unique<TanhMlp>(config.inputs, static_cast<std::size_t>(config.option("hidden")), config.outputs,
                                     config.output_activation);
  };
  return entry;
}

NCLAB_REGISTER_MODEL(tanh_mlp_entry);

}  // namespace
