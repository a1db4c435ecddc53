#include "framework/model/model.hpp"

namespace nclab {

void Model::initialize_uniform(Rng& rng, double range) {
  for (double& value : parameters()) value = rng.uniform(-range, range);
}

void Model::backward_and_step(ConstMatrixView grad, GradientAt at, double rate, std::span<double> scratch) {
  backward(grad, at, scratch, nullptr);
  const std::span<double> theta = parameters();
  for (std::size_t p = 0; p < theta.size(); ++p) theta[p] += -rate * scratch[p];
}

}  // namespace nclab
