#include "framework/math/squared_error.hpp"

#include "framework/math/shape_check.hpp"

namespace nclab {

double squared_error(ConstMatrixView outputs, ConstMatrixView targets) {
  detail::require_shape("squared_error: targets", targets, outputs.rows, outputs.cols);
  if (outputs.rows == 0) return 0.0;

  double sum = 0.0;
  for (std::size_t n = 0; n < outputs.rows; ++n) {
    for (std::size_t k = 0; k < outputs.cols; ++k) {
      const double error = outputs(n, k) - targets(n, k);
      sum += error * error;
    }
  }
  return 0.5 * sum / static_cast<double>(outputs.rows);
}

void squared_error_gradient(ConstMatrixView outputs, ConstMatrixView targets, MatrixView gradient) {
  detail::require_shape("squared_error_gradient: targets", targets, outputs.rows, outputs.cols);
  detail::require_shape("squared_error_gradient: gradient", gradient, outputs.rows, outputs.cols);
  if (outputs.rows == 0) return;

  const double scale = 1.0 / static_cast<double>(outputs.rows);
  for (std::size_t n = 0; n < outputs.rows; ++n) {
    for (std::size_t k = 0; k < outputs.cols; ++k) gradient(n, k) = scale * (outputs(n, k) - targets(n, k));
  }
}

}  // namespace nclab
