#pragma once
// A small real model for the ensemble tests: one dense layer Y = f(X W^T + b) with an identity or
// softmax output f. Parameters: W (outputs x inputs, row-major) at offset 0, then b.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "framework/model/model.hpp"

namespace nclab::testing {

class LinearModel : public Model {
 public:
  LinearModel(std::size_t inputs, std::size_t outputs, Activation activation);

  std::size_t input_size() const override { return inputs_; }
  std::size_t output_size() const override { return outputs_; }
  Activation output_activation() const override { return activation_; }
  std::span<double> parameters() override { return parameters_; }
  std::span<const double> parameters() const override { return parameters_; }
  std::vector<LayerLayout> layout() const override;

  void forward(ConstMatrixView x, MatrixView y) override;
  void backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad, MatrixView* input_grad) override;
  std::unique_ptr<Model> clone() const override { return std::make_unique<LinearModel>(*this); }

 private:
  std::size_t inputs_;
  std::size_t outputs_;
  Activation activation_;
  std::vector<double> parameters_;
  Matrix inputs_cache_, outputs_cache_;  // the last forward batch
  std::vector<double> logit_gradient_;   // one row of dLoss/dU
};

}  // namespace nclab::testing
