#pragma once
// The model interface that every network in nclab implements, built-in or loaded from a plugin.
//
// Shapes: a batch is N x inputs (one pattern per row); outputs are N x outputs. All parameters of a
// model live in ONE contiguous buffer, so that optimisers, HDF5 dumps and gradient checks see the same
// numbers; layout() returns where each layer's weights (outputs x inputs, row-major) and biases sit in it.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/core/rng.hpp"

namespace nclab {

enum class Activation { identity, sigmoid, softmax };

std::string to_string(Activation activation);
Activation parse_activation(const std::string& name);

// Position of one layer's weights and biases in the model's parameter buffer.
struct LayerLayout {
  std::string name;  // "layer1", "layer2", ...
  std::size_t weight_offset = 0;
  std::size_t rows = 0;  // output units
  std::size_t cols = 0;  // input units
  std::size_t bias_offset = 0;
  std::size_t bias_size = 0;
  Activation activation = Activation::identity;
};

// Quantity that the gradient passed to backward() is taken with respect to.
enum class GradientAt {
  output,  // dLoss/dY, Y = the activated output; backward chains through the output activation
           // (the full softmax Jacobian y_k (delta_ik - y_i) for softmax outputs).
  logits,  // dLoss/dU, U = the output layer's pre-activation; used for the fused softmax +
           // cross-entropy gradient Y - T, which stays finite when a probability underflows to 0.
};

class Model {
 public:
  virtual ~Model() = default;

  virtual std::size_t input_size() const = 0;
  virtual std::size_t output_size() const = 0;
  virtual Activation output_activation() const = 0;

  virtual std::span<double> parameters() = 0;
  virtual std::span<const double> parameters() const = 0;
  virtual std::vector<LayerLayout> layout() const = 0;

  // Computes Y (N x outputs) from X (N x inputs) and keeps what backward() needs for this batch.
  virtual void forward(ConstMatrixView x, MatrixView y) = 0;

  // Computes the same Y as forward(), bit for bit, for evaluation: a model may skip keeping what
  // backward() needs, and backward() is then invalid until the next forward(). The default calls
  // forward().
  virtual void predict(ConstMatrixView x, MatrixView y) { forward(x, y); }

  // Back-propagates `grad` (N x outputs, see GradientAt) through the last forward() batch.
  // Writes (overwrites) param_grad, of parameters().size(), with sum_n sum_k grad(n,k) dY(n,k)/dtheta:
  // no averaging happens here, the loss scales its gradient. Writes dLoss/dX into input_grad when it
  // is not null (N x inputs).
  virtual void backward(ConstMatrixView grad, GradientAt at, std::span<double> param_grad,
                        MatrixView* input_grad) = 0;

  virtual std::unique_ptr<Model> clone() const = 0;

  // One plain SGD step from the last forward() batch: theta += -rate g, where g is what backward()
  // writes to param_grad. `scratch` has parameters().size() values and may be overwritten. The
  // default runs backward() into scratch and steps element by element, with the bits of MomentumSgd
  // without momentum. A model may fuse the step into its gradient products instead, which may round
  // differently but just as deterministically.
  virtual void backward_and_step(ConstMatrixView grad, GradientAt at, double rate, std::span<double> scratch);

  // Draws every parameter (weights and biases) from U(-range, range).
  void initialize_uniform(Rng& rng, double range);
  std::size_t parameter_count() const { return parameters().size(); }
};

}  // namespace nclab
