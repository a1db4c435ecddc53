#include "framework/data/standardizer.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nclab {

std::vector<double> column_means(ConstMatrixView data) {
  std::vector<double> sums(data.cols, 0.0);
  std::vector<std::size_t> counts(data.cols, 0);
  for (std::size_t r = 0; r < data.rows; ++r) {
    for (std::size_t c = 0; c < data.cols; ++c) {
      const double value = data(r, c);
      if (std::isnan(value)) continue;
      sums[c] += value;
      ++counts[c];
    }
  }
  std::vector<double> means(data.cols);
  for (std::size_t c = 0; c < data.cols; ++c) {
    means[c] =
        counts[c] == 0 ? std::numeric_limits<double>::quiet_NaN() : sums[c] / static_cast<double>(counts[c]);
  }
  return means;
}

void impute_missing(MatrixView data, std::span<const double> means) {
  if (means.size() != data.cols) {
    throw std::invalid_argument("impute_missing: " + std::to_string(means.size()) + " means for " +
                                std::to_string(data.cols) + " columns");
  }
  for (std::size_t r = 0; r < data.rows; ++r) {
    for (std::size_t c = 0; c < data.cols; ++c) {
      if (std::isnan(data(r, c))) data(r, c) = means[c];
    }
  }
}

std::vector<std::size_t> constant_columns(ConstMatrixView data) {
  std::vector<std::size_t> constant;
  for (std::size_t c = 0; c < data.cols; ++c) {
    bool equal = true;
    for (std::size_t r = 1; r < data.rows && equal; ++r) equal = data(r, c) == data(0, c);
    if (equal) constant.push_back(c);
  }
  return constant;
}

Standardizer fit_standardizer(ConstMatrixView train) {
  if (train.rows == 0) throw std::invalid_argument("fit_standardizer: the training part has no rows");
  const auto n = static_cast<double>(train.rows);

  Standardizer standardizer;
  standardizer.mean.assign(train.cols, 0.0);
  standardizer.scale.assign(train.cols, 0.0);
  for (std::size_t r = 0; r < train.rows; ++r) {
    for (std::size_t c = 0; c < train.cols; ++c) standardizer.mean[c] += train(r, c);
  }
  for (double& mean : standardizer.mean) mean /= n;

  // Two passes: the sum of squared deviations does not cancel the way sum(x^2) - N mean^2 can.
  for (std::size_t r = 0; r < train.rows; ++r) {
    for (std::size_t c = 0; c < train.cols; ++c) {
      const double deviation = train(r, c) - standardizer.mean[c];
      standardizer.scale[c] += deviation * deviation;
    }
  }
  for (double& scale : standardizer.scale) scale = std::sqrt(scale / n);

  // The exact test for constant columns: rounding can leave a tiny non-zero deviation for equal values.
  for (std::size_t c : constant_columns(train)) standardizer.scale[c] = 1.0;
  return standardizer;
}

void standardize(const Standardizer& standardizer, MatrixView data) {
  if (standardizer.mean.size() != data.cols || standardizer.scale.size() != data.cols) {
    throw std::invalid_argument("standardize: a standardiser for " +
                                std::to_string(standardizer.mean.size()) + " columns applied to " +
                                std::to_string(data.cols) + " columns");
  }
  for (std::size_t r = 0; r < data.rows; ++r) {
    for (std::size_t c = 0; c < data.cols; ++c) {
      data(r, c) = (data(r, c) - standardizer.mean[c]) / standardizer.scale[c];
    }
  }
}

}  // namespace nclab
