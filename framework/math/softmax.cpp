#include "framework/math/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nclab {

double log_sum_exp(std::span<const double> logits) {
  if (logits.empty()) return -std::numeric_limits<double>::infinity();
  const double max = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (double u : logits) sum += std::exp(u - max);
  return max + std::log(sum);
}

namespace {

// The row kernels behind the span functions, without their size checks, so that the matrix versions
// pay no call and no check per row. `logits` and `probabilities` may be the same row, as may `vector`
// and `result`.
inline void softmax_row(const double* logits, double* probabilities, std::size_t count) {
  if (count == 0) return;

  // Subtracting the maximum leaves the result unchanged and keeps every exponent <= 0.
  const double max = *std::max_element(logits, logits + count);
  double sum = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    probabilities[k] = std::exp(logits[k] - max);
    sum += probabilities[k];
  }
  const double inverse = 1.0 / sum;
  for (std::size_t k = 0; k < count; ++k) probabilities[k] *= inverse;
}

inline void jacobian_product_row(const double* probabilities, const double* vector, double* result,
                                 std::size_t count) {
  double weighted_sum = 0.0;  // sum_i v_i y_i
  for (std::size_t i = 0; i < count; ++i) weighted_sum += vector[i] * probabilities[i];
  for (std::size_t k = 0; k < count; ++k) result[k] = probabilities[k] * (vector[k] - weighted_sum);
}

}  // namespace

void softmax(std::span<const double> logits, std::span<double> probabilities) {
  if (logits.size() != probabilities.size()) {
    throw std::invalid_argument("softmax: " + std::to_string(logits.size()) + " logits but " +
                                std::to_string(probabilities.size()) + " outputs");
  }
  softmax_row(logits.data(), probabilities.data(), logits.size());
}

void softmax_rows_inplace(MatrixView values) {
  for (std::size_t r = 0; r < values.rows; ++r) {
    double* row = values.data + r * values.stride;
    softmax_row(row, row, values.cols);
  }
}

void softmax_jacobian_product(std::span<const double> probabilities, std::span<const double> vector,
                              std::span<double> result) {
  if (probabilities.size() != vector.size() || probabilities.size() != result.size()) {
    throw std::invalid_argument("softmax_jacobian_product: sizes differ (" + std::to_string(probabilities.size()) +
                                " probabilities, " + std::to_string(vector.size()) + " vector, " +
                                std::to_string(result.size()) + " result)");
  }
  jacobian_product_row(probabilities.data(), vector.data(), result.data(), vector.size());
}

void softmax_backward_inplace(ConstMatrixView probabilities, MatrixView gradient) {
  if (probabilities.rows != gradient.rows || probabilities.cols != gradient.cols) {
    throw std::invalid_argument("softmax_backward_inplace: probabilities are " +
                                shape_string(probabilities.rows, probabilities.cols) + " but the gradient is " +
                                shape_string(gradient.rows, gradient.cols));
  }
  for (std::size_t r = 0; r < gradient.rows; ++r) {
    double* row = gradient.data + r * gradient.stride;
    jacobian_product_row(probabilities.data + r * probabilities.stride, row, row, gradient.cols);
  }
}

}  // namespace nclab
