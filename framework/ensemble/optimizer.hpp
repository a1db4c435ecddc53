#pragma once
// Stochastic gradient descent with momentum on one member's parameter buffer.

#include <cstddef>
#include <span>
#include <vector>

namespace nclab {

// Updates v = momentum v - learning_rate scale g, then w += v, where g is the summed parameter gradient
// of a batch and scale = 1 / batch size turns it into the gradient of the batch mean. The velocity v
// starts at 0. With momentum 0 the step is w += -learning_rate scale g and v stays 0.
class MomentumSgd {
 public:
  MomentumSgd(std::size_t parameter_count, double learning_rate, double momentum);

  void step(std::span<double> parameters, std::span<const double> gradient, double scale);
  void reset();

  std::span<const double> velocity() const { return velocity_; }

 private:
  std::vector<double> velocity_;
  double learning_rate_;
  double momentum_;
};

}  // namespace nclab
