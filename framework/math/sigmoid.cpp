#include "framework/math/sigmoid.hpp"

#include <stdexcept>

namespace nclab {

void sigmoid_inplace(MatrixView values) {
  for (std::size_t r = 0; r < values.rows; ++r) {
    double* row = values.data + r * values.stride;
    for (std::size_t c = 0; c < values.cols; ++c) row[c] = sigmoid(row[c]);
  }
}

void sigmoid_backward_inplace(ConstMatrixView outputs, MatrixView gradient) {
  if (outputs.rows != gradient.rows || outputs.cols != gradient.cols) {
    throw std::invalid_argument("sigmoid_backward_inplace: outputs are " + shape_string(outputs.rows, outputs.cols) +
                                " but the gradient is " + shape_string(gradient.rows, gradient.cols));
  }
  for (std::size_t r = 0; r < outputs.rows; ++r) {
    const double* y = outputs.data + r * outputs.stride;
    double* g = gradient.data + r * gradient.stride;
    for (std::size_t c = 0; c < outputs.cols; ++c) g[c] *= y[c] * (1.0 - y[c]);
  }
}

}  // namespace nclab
