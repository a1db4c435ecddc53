#include "framework/ensemble/optimizer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "framework/math/simd_clones.hpp"

namespace nclab {

MomentumSgd::MomentumSgd(std::size_t parameter_count, double learning_rate, double momentum)
    : velocity_(parameter_count, 0.0), learning_rate_(learning_rate), momentum_(momentum) {}

// The loops below are element-wise, so the x86-64-v3 clone gives the same bits as the baseline build.
NCLAB_SIMD_CLONES
void MomentumSgd::step(std::span<double> parameters, std::span<const double> gradient, double scale) {
  if (parameters.size() != velocity_.size() || gradient.size() != velocity_.size()) {
    throw std::invalid_argument("MomentumSgd::step: expected " + std::to_string(velocity_.size()) +
                                " parameters and gradients, got " + std::to_string(parameters.size()) + " and " +
                                std::to_string(gradient.size()));
  }
  const double rate = learning_rate_ * scale;
  double* v = velocity_.data();
  double* w = parameters.data();
  const double* g = gradient.data();
  const std::size_t count = velocity_.size();
  if (momentum_ == 0.0) {
    // Plain SGD: w += -rate g, the same value as w += v with v = -rate g. The velocity is not stored,
    // which saves one of the loop's four memory streams on large layers.
    for (std::size_t p = 0; p < count; ++p) w[p] += -rate * g[p];
    return;
  }
  for (std::size_t p = 0; p < count; ++p) {
    v[p] = momentum_ * v[p] - rate * g[p];
    w[p] += v[p];
  }
}

void MomentumSgd::reset() { std::fill(velocity_.begin(), velocity_.end(), 0.0); }

}  // namespace nclab
