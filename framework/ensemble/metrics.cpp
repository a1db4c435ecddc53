#include "framework/ensemble/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "framework/ensemble/penalties.hpp"

namespace nclab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t argmax(std::span<const double> row) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < row.size(); ++k) {
    if (row[k] > row[best]) best = k;
  }
  return best;
}

double error_rate(ConstMatrixView outputs, std::span<const int> labels) {
  if (outputs.rows == 0) return kNaN;
  std::size_t wrong = 0;
  for (std::size_t n = 0; n < outputs.rows; ++n) {
    if (static_cast<int>(argmax(outputs.row(n))) != labels[n]) ++wrong;
  }
  return static_cast<double>(wrong) / static_cast<double>(outputs.rows);
}

double mean_squared_error(ConstMatrixView outputs, ConstMatrixView targets) {
  double sum = 0.0;
  for (std::size_t n = 0; n < outputs.rows; ++n) {
    const auto y = outputs.row(n);
    const auto t = targets.row(n);
    for (std::size_t k = 0; k < outputs.cols; ++k) sum += (y[k] - t[k]) * (y[k] - t[k]);
  }
  return sum / static_cast<double>(outputs.rows * outputs.cols);
}

}  // namespace

double member_loss(ConstMatrixView outputs, ConstMatrixView targets, LossKind loss) {
  double sum = 0.0;
  for (std::size_t n = 0; n < outputs.rows; ++n) {
    const auto y = outputs.row(n);
    const auto t = targets.row(n);
    for (std::size_t k = 0; k < outputs.cols; ++k) {
      if (loss == LossKind::squared_error) {
        sum += 0.5 * (y[k] - t[k]) * (y[k] - t[k]);
      } else if (t[k] != 0.0) {
        // NaN outputs stay NaN through std::max's comparison order, so divergence still shows.
        const double p = std::isnan(y[k]) ? y[k] : std::max(y[k], std::numeric_limits<double>::min());
        sum -= t[k] * std::log(p);
      }
    }
  }
  return sum / static_cast<double>(outputs.rows);
}

double target_standard_deviation(ConstMatrixView targets) {
  if (targets.rows == 0 || targets.cols == 0) return 0.0;
  const double count = static_cast<double>(targets.rows);
  double variance_sum = 0.0;
  for (std::size_t k = 0; k < targets.cols; ++k) {
    double mean = 0.0;
    for (std::size_t n = 0; n < targets.rows; ++n) mean += targets(n, k);
    mean /= count;
    double squares = 0.0;
    for (std::size_t n = 0; n < targets.rows; ++n) squares += (targets(n, k) - mean) * (targets(n, k) - mean);
    variance_sum += squares / count;
  }
  return std::sqrt(variance_sum / static_cast<double>(targets.cols));
}

PartMetrics evaluate_part(std::span<const ConstMatrixView> outputs, ConstMatrixView targets,
                          std::span<const int> labels, bool classification, LossKind loss, double target_sd,
                          MatrixView ensemble) {
  const std::size_t members = outputs.size();
  if (members == 0) throw std::invalid_argument("evaluate_part: no member outputs");
  if (classification && labels.size() != targets.rows) {
    throw std::invalid_argument("evaluate_part: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(targets.rows) + " patterns");
  }
  ensemble_mean(outputs, ensemble);

  PartMetrics metrics;
  const auto add_column = [&](ConstMatrixView y) {
    metrics.loss.push_back(member_loss(y, targets, loss));
    const double mse = mean_squared_error(y, targets);
    metrics.mse.push_back(mse);
    if (classification) {
      metrics.error_rate.push_back(error_rate(y, labels));
    } else {
      metrics.nrmse.push_back(target_sd > 0.0 ? std::sqrt(mse) / target_sd : kNaN);
    }
  };
  for (const auto& y : outputs) add_column(y);
  add_column(ensemble);

  double ambiguity = 0.0;
  for (const auto& y : outputs) {
    for (std::size_t n = 0; n < targets.rows; ++n) {
      for (std::size_t k = 0; k < targets.cols; ++k) {
        const double spread = y(n, k) - ensemble(n, k);
        ambiguity += spread * spread;
      }
    }
  }
  metrics.ambiguity = ambiguity / static_cast<double>(members * targets.rows * targets.cols);
  return metrics;
}

Matrix error_correlation(std::span<const ConstMatrixView> outputs, ConstMatrixView targets) {
  const std::size_t members = outputs.size();
  const std::size_t count = targets.rows * targets.cols;
  Matrix correlation(members, members, kNaN);
  if (count == 0) return correlation;

  // Member errors e_i = F_i - d, centred, flattened over patterns and outputs. A spread at rounding level
  // counts as zero variance: F_i - d rounds with an error of up to eps max(|F_i|, |d|) per entry, so
  // a member whose output is the target plus a constant would otherwise get a correlation of noise.
  Matrix centred(members, count);
  std::vector<double> rounding_level(members, 0.0);
  for (std::size_t i = 0; i < members; ++i) {
    double mean = 0.0;
    double magnitude = 0.0;
    for (std::size_t n = 0; n < targets.rows; ++n) {
      for (std::size_t k = 0; k < targets.cols; ++k) {
        const double error = outputs[i](n, k) - targets(n, k);
        centred(i, n * targets.cols + k) = error;
        mean += error;
        magnitude = std::max({magnitude, std::abs(outputs[i](n, k)), std::abs(targets(n, k))});
      }
    }
    mean /= static_cast<double>(count);
    for (double& value : centred.row(i)) value -= mean;
    rounding_level[i] = 16.0 * std::numeric_limits<double>::epsilon() * magnitude;
  }

  std::vector<double> norm(members, 0.0);
  for (std::size_t i = 0; i < members; ++i) {
    for (double value : centred.row(i)) norm[i] += value * value;
    norm[i] = std::sqrt(norm[i]);
    // norm / sqrt(count) is the standard deviation of the errors.
    if (norm[i] <= rounding_level[i] * std::sqrt(static_cast<double>(count))) norm[i] = 0.0;
  }
  for (std::size_t i = 0; i < members; ++i) {
    for (std::size_t j = i; j < members; ++j) {
      if (!(norm[i] > 0.0) || !(norm[j] > 0.0)) continue;
      double cross = 0.0;
      const auto a = centred.row(i);
      const auto b = centred.row(j);
      for (std::size_t p = 0; p < count; ++p) cross += a[p] * b[p];
      const double r = i == j ? 1.0 : std::clamp(cross / (norm[i] * norm[j]), -1.0, 1.0);
      correlation(i, j) = r;
      correlation(j, i) = r;
    }
  }
  return correlation;
}

}  // namespace nclab
