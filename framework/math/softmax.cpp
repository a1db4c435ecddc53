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

void softmax(std::span<const double> logits, std::span<double> probabilities) {
  if (logits.size() != probabilities.size()) {
    throw std::invalid_argument("softmax: " + std::to_string(logits.size()) + " logits but " +
                                std::to_string(probabilities.size()) + " outputs");
  }
  if (logits.empty()) return;

  // Subtracting the maximum leaves the result unchanged and keeps every exponent <= 0.
  const double max = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (std::size_t k = 0; k < logits.size(); ++k) {
    probabilities[k] = std::exp(logits[k] - max);
    sum += probabilities[k];
  }
  const double inverse = 1.0 / sum;
  for (double& p : probabilities) p *= inverse;
}

void softmax_rows_inplace(MatrixView values) {
  for (std::size_t r = 0; r < values.rows; ++r) softmax(values.row(r), values.row(r));
}

void softmax_jacobian_product(std::span<const double> probabilities, std::span<const double> vector,
                              std::span<double> result) {
  if (probabilities.size() != vector.size() || probabilities.size() != result.size()) {
    throw std::invalid_argument("softmax_jacobian_product: sizes differ (" + std::to_string(probabilities.size()) +
                                " probabilities, " + std::to_string(vector.size()) + " vector, " +
                                std::to_string(result.size()) + " result)");
  }
  double weighted_sum = 0.0;  // sum_i v_i y_i
  for (std::size_t i = 0; i < vector.size(); ++i) weighted_sum += vector[i] * probabilities[i];
  for (std::size_t k = 0; k < vector.size(); ++k) result[k] = probabilities[k] * (vector[k] - weighted_sum);
}

void softmax_backward_inplace(ConstMatrixView probabilities, MatrixView gradient) {
  if (probabilities.rows != gradient.rows || probabilities.cols != gradient.cols) {
    throw std::invalid_argument("softmax_backward_inplace: probabilities are " +
                                shape_string(probabilities.rows, probabilities.cols) + " but the gradient is " +
                                shape_string(gradient.rows, gradient.cols));
  }
  for (std::size_t r = 0; r < gradient.rows; ++r) {
    softmax_jacobian_product(probabilities.row(r), gradient.row(r), gradient.row(r));
  }
}

}  // namespace nclab
