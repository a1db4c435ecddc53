#pragma once
// A stack of dense layers, each followed by an activation: the network behind every built-in model.
//
// Layer l computes A_l = f_l(A_{l-1} W_l^T + 1 b_l^T) with A_0 = X (N x inputs). W_l is units_l x
// units_{l-1}. Hidden layers use identity or sigmoid. Softmax is allowed on the last layer only, where
// it acts on each row.
//
// Parameters sit in one buffer, layer by layer: W_1 (row-major), b_1, W_2, b_2, ... layout() names the
// layers "layer1", "layer2", ... The workspaces grow to the largest batch seen and are reused, so a
// forward() or predict() with a batch no larger than an earlier one allocates and clears nothing
// (training alternates steps of one batch size with full-batch evaluations).

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/model/model.hpp"

namespace nclab {

// Size and activation of one dense layer.
struct DenseLayerSpec {
  std::size_t units = 0;
  Activation activation = Activation::identity;
};

class DenseNetwork final : public Model {
 public:
  // Builds the network with zero parameters. Throws InputError when `inputs` or a layer's units is 0,
  // when `layers` is empty, or when a hidden layer uses softmax.
  DenseNetwork(std::size_t inputs, std::vector<DenseLayerSpec> layers);

  std::size_t input_size() const override { return inputs_; }
  std::size_t output_size() const override { return layers_.back().layout.rows; }
  Activation output_activation() const override { return layers_.back().layout.activation; }

  std::span<double> parameters() override { return parameters_; }
  std::span<const double> parameters() const override { return parameters_; }
  std::vector<LayerLayout> layout() const override;

  void forward(ConstMatrixView x, MatrixView y) override;
  // forward() that leaves X in place: the next backward() or backward_and_step() reads the caller's X
  // instead of a copy and ends the batch. X must stay alive and unchanged until then, and copies made
  // before then share it.
  void forward_keeping_input(ConstMatrixView x, MatrixView y);
  // Reads X in place and grows only the layer outputs: a full-batch evaluation neither copies X nor
  // sizes the gradient workspaces for its batch.
  void predict(ConstMatrixView x, MatrixView y) override;
  void backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) override;
  // Steps BLAS-sized layers inside their weight-gradient products (detail::dense_step_blas).
  void backward_and_step(ConstMatrixView grad, GradientAt at, double rate, std::span<double> scratch) override;
  std::unique_ptr<Model> clone() const override;

  std::size_t layer_count() const { return layers_.size(); }
  // Weights W_l (units_l x units_{l-1}) and biases b_l of layer `index`, counted from 0.
  ConstMatrixView weights(std::size_t index) const;
  std::span<const double> biases(std::size_t index) const;
  // Activated output A_l (N x units_l) of layer `index` from the last forward() or predict().
  ConstMatrixView layer_output(std::size_t index) const;

 private:
  struct Layer {
    LayerLayout layout;
    Matrix output;  // A_l of the last forward() or predict() batch in its first batch_rows_ rows
    Matrix delta;   // dLoss/d(pre-activation) during backward(), same rows
  };

  // Grows the layer outputs, with `backward` also the deltas, and with `input_copy` the input copy,
  // to at least `rows` rows.
  void reserve_rows(std::size_t rows, bool backward, bool input_copy = false);
  // The shape checks and workspaces shared by forward() and forward_keeping_input().
  void start_forward(ConstMatrixView x, MatrixView y, bool input_copy);
  // Marks the batch of a kept X as used up: later backward passes need a new forward().
  void end_kept_batch();
  // X of the last forward() or forward_keeping_input() batch.
  ConstMatrixView forward_input() const { return input_kept_ ? kept_input_ : batch_rows(input_); }
  // Runs pass(layer, layer input, below) for every layer from the top, then chains delta_{l-1}
  // through f'_{l-1}.
  template <typename LayerPass>
  void propagate_down(MatrixView* input_grad, LayerPass pass);
  // The checks shared by backward() and backward_and_step(), and the output layer's delta.
  void start_backward(bool stepping, ConstMatrixView grad, GradientAt at, std::size_t buffer_values,
                      const MatrixView* input_grad);
  // Runs the layers on `input` (batch_rows_ rows) into the layer outputs and copies the last into y.
  void run_layers(ConstMatrixView input, MatrixView y);
  // The first batch_rows_ rows of a workspace.
  MatrixView batch_rows(Matrix& workspace) const { return workspace.view().rows_range(0, batch_rows_); }
  ConstMatrixView batch_rows(const Matrix& workspace) const { return workspace.view().rows_range(0, batch_rows_); }

  std::size_t inputs_ = 0;
  std::vector<double> parameters_;
  std::vector<Layer> layers_;
  Matrix input_;  // copy of the last forward() batch X, which the first layer's dW needs
  ConstMatrixView kept_input_;  // the caller's X after forward_keeping_input()
  bool input_kept_ = false;     // whether the first layer's dW reads kept_input_ instead of input_
  std::size_t batch_rows_ = 0;      // patterns in the last forward() or predict() batch
  std::size_t output_rows_ = 0;     // rows the layer outputs have room for
  std::size_t backward_rows_ = 0;   // rows the deltas have room for
  std::size_t input_rows_ = 0;      // rows the input copy has room for
  bool has_forward_ = false;
};

}  // namespace nclab
