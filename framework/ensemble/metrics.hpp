#pragma once
// Error measures of the members and their ensemble on one data part (train, validation or test).

#include <cstddef>
#include <span>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/ensemble/settings.hpp"

namespace nclab {

// Metrics of M members and their ensemble F = (1/M) sum_i F_i. Each vector contains M + 1 values: the
// members in order, then the ensemble.
struct PartMetrics {
  std::vector<double> loss;        // member_loss, without any penalty
  std::vector<double> error_rate;  // fraction of patterns whose argmax misses the label (classification)
  std::vector<double> mse;         // mean over patterns and outputs of (F - d)^2
  std::vector<double> nrmse;       // sqrt(mse) / target_standard_deviation (regression)
  double ambiguity = 0.0;          // mean over members, patterns and outputs of (F_i - F)^2
};

// Mean over the N patterns of the loss of one output matrix: 1/2 |y - d|^2 for squared error,
// -sum_k d_k log y_k for cross-entropy. A probability below the smallest normal double counts as that
// value, so the loss of a confident wrong prediction is large (at most about 708) but finite.
double member_loss(ConstMatrixView outputs, ConstMatrixView targets, LossKind loss);

// sqrt of the mean over outputs of the population variance of each target column: the NRMSE
// denominator. It is the usual standard deviation for one output. Returns 0 for constant targets.
double target_standard_deviation(ConstMatrixView targets);

// Computes every metric of the members in `outputs` (each N x K) and their mean. `labels` (N class
// indices) is read for classification only. `target_sd` is target_standard_deviation(targets), and NRMSE
// is NaN when it is 0. `ensemble` is N x K scratch that receives F.
PartMetrics evaluate_part(std::span<const ConstMatrixView> outputs, ConstMatrixView targets,
                          std::span<const int> labels, bool classification, LossKind loss, double target_sd,
                          MatrixView ensemble);

// M x M Pearson correlation of the member errors F_i - d, pooled over patterns and outputs. An entry is
// NaN when either member's errors have zero variance, which includes a standard deviation below 16 eps
// times the largest |F_i| or |d| (rounding noise). Otherwise the diagonal is 1.
Matrix error_correlation(std::span<const ConstMatrixView> outputs, ConstMatrixView targets);

}  // namespace nclab
