#include "framework/math/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "framework/math/shape_check.hpp"

namespace nclab {
namespace {

constexpr double smallest_probability = std::numeric_limits<double>::min();

}  // namespace

double cross_entropy(ConstMatrixView probabilities, ConstMatrixView targets) {
  detail::require_shape("cross_entropy: targets", targets, probabilities.rows, probabilities.cols);
  if (probabilities.rows == 0) return 0.0;

  double sum = 0.0;
  for (std::size_t n = 0; n < probabilities.rows; ++n) {
    for (std::size_t k = 0; k < probabilities.cols; ++k) {
      const double t = targets(n, k);
      if (t == 0.0) continue;
      sum += t * std::log(std::max(probabilities(n, k), smallest_probability));
    }
  }
  return -sum / static_cast<double>(probabilities.rows);
}

double cross_entropy_from_logits(ConstMatrixView logits, ConstMatrixView targets) {
  detail::require_shape("cross_entropy_from_logits: targets", targets, logits.rows, logits.cols);
  if (logits.rows == 0) return 0.0;

  double sum = 0.0;
  for (std::size_t n = 0; n < logits.rows; ++n) {
    const auto row = logits.row(n);
    // log y_k = (u_k - max) - log sum_t e^{u_t - max}. Subtracting the maximum from u_k before the
    // normaliser keeps both terms small, so [1e8, 1e8] gives exactly -ln 2.
    const double max = *std::max_element(row.begin(), row.end());
    double shifted_sum = 0.0;
    for (double u : row) shifted_sum += std::exp(u - max);
    const double log_normaliser = std::log(shifted_sum);
    for (std::size_t k = 0; k < logits.cols; ++k) {
      const double t = targets(n, k);
      if (t == 0.0) continue;
      sum += t * ((row[k] - max) - log_normaliser);
    }
  }
  return -sum / static_cast<double>(logits.rows);
}

void cross_entropy_gradient(ConstMatrixView probabilities, ConstMatrixView targets, MatrixView gradient) {
  detail::require_shape("cross_entropy_gradient: targets", targets, probabilities.rows, probabilities.cols);
  detail::require_shape("cross_entropy_gradient: gradient", gradient, probabilities.rows, probabilities.cols);
  if (probabilities.rows == 0) return;

  const double scale = 1.0 / static_cast<double>(probabilities.rows);
  for (std::size_t n = 0; n < probabilities.rows; ++n) {
    for (std::size_t k = 0; k < probabilities.cols; ++k) {
      const double t = targets(n, k);
      gradient(n, k) = t == 0.0 ? 0.0 : -scale * t / std::max(probabilities(n, k), smallest_probability);
    }
  }
}

void softmax_cross_entropy_gradient(ConstMatrixView probabilities, ConstMatrixView targets, MatrixView gradient) {
  detail::require_shape("softmax_cross_entropy_gradient: targets", targets, probabilities.rows, probabilities.cols);
  detail::require_shape("softmax_cross_entropy_gradient: gradient", gradient, probabilities.rows,
                        probabilities.cols);
  if (probabilities.rows == 0) return;

  const double scale = 1.0 / static_cast<double>(probabilities.rows);
  for (std::size_t n = 0; n < probabilities.rows; ++n) {
    double target_mass = 0.0;  // sum_i t_ni, 1 for one-hot targets
    for (std::size_t k = 0; k < probabilities.cols; ++k) target_mass += targets(n, k);
    for (std::size_t k = 0; k < probabilities.cols; ++k) {
      gradient(n, k) = scale * (probabilities(n, k) * target_mass - targets(n, k));
    }
  }
}

}  // namespace nclab
