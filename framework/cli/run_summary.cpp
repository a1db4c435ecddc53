#include "framework/cli/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nclab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The ensemble column of the metrics row whose epoch produced the stored weights (`row`, see
// RunRecord::stored_epoch), or of the last row when no row did.
double stored_ensemble_value(const Matrix& metric, long row) {
  if (metric.rows() == 0 || metric.cols() == 0) return kNaN;
  const std::size_t index = row >= 0 && static_cast<std::size_t>(row) < metric.rows() ? static_cast<std::size_t>(row)
                                                                                      : metric.rows() - 1;
  return metric(index, metric.cols() - 1);
}

// Mean and sample standard deviation of the finite values.
std::pair<double, double> mean_and_sd(const std::vector<double>& values) {
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  if (finite.empty()) return {kNaN, kNaN};
  double sum = 0;
  for (double v : finite) sum += v;
  const double mean = sum / static_cast<double>(finite.size());
  if (finite.size() < 2) return {mean, 0.0};
  double squares = 0;
  for (double v : finite) squares += (v - mean) * (v - mean);
  return {mean, std::sqrt(squares / static_cast<double>(finite.size() - 1))};
}

// Four significant digits, so that an MSE of 0.0002 keeps its digits.
std::string number(double value) {
  if (!std::isfinite(value)) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

RunSummary summarize_run(const RunRecord& record) {
  RunSummary summary;
  summary.run_index = record.run_index;
  summary.fold = record.fold;
  summary.has_fold = std::any_of(record.settings.begin(), record.settings.end(),
                                 [](const auto& s) { return s.first == "fold"; });
  summary.status = record.status;
  summary.classification = record.metrics.train_error_rate.rows() > 0;
  summary.epochs = record.epochs_completed;
  if (summary.classification) {
    summary.train_error = stored_ensemble_value(record.metrics.train_error_rate, record.stored_epoch);
    summary.test_error = stored_ensemble_value(record.metrics.test_error_rate, record.stored_epoch);
  } else {
    summary.train_error = stored_ensemble_value(record.metrics.train_nrmse, record.stored_epoch);
    summary.test_error = stored_ensemble_value(record.metrics.test_nrmse, record.stored_epoch);
  }
  summary.test_mse = stored_ensemble_value(record.metrics.test_mse, record.stored_epoch);
  return summary;
}

void print_train_summary(std::ostream& out, RunSummaries summaries) {
  std::sort(summaries.begin(), summaries.end(),
            [](const RunSummary& a, const RunSummary& b) { return a.run_index < b.run_index; });
  if (summaries.empty()) return;
  const bool classification = std::any_of(summaries.begin(), summaries.end(),
                                          [](const RunSummary& s) { return s.classification; });
  const std::string metric = classification ? "error rate" : "NRMSE";
  const std::size_t width = 18;
  out << padded(summaries.front().has_fold ? "fold" : "run", 6) << padded("status", 10)
      << padded("train " + metric, width) << padded("test " + metric, width) << (classification ? "" : "test MSE")
      << "\n";
  std::vector<double> train, test, mse;
  for (const auto& s : summaries) {
    out << padded(std::to_string(s.has_fold ? s.fold : s.run_index), 6) << padded(to_string(s.status), 10)
        << padded(number(s.train_error), width) << padded(number(s.test_error), width)
        << (classification ? "" : number(s.test_mse)) << "\n";
    if (s.status == RunStatus::complete) {
      train.push_back(s.train_error);
      test.push_back(s.test_error);
      mse.push_back(s.test_mse);
    }
  }
  const auto [train_mean, train_sd] = mean_and_sd(train);
  const auto [test_mean, test_sd] = mean_and_sd(test);
  out << "mean train " << metric << " " << number(train_mean) << " (sd " << number(train_sd) << "), mean test "
      << metric << " " << number(test_mean) << " (sd " << number(test_sd) << ") over " << train.size()
      << " complete run" << (train.size() == 1 ? "" : "s") << "\n";
  if (!classification) {
    const auto [mse_mean, mse_sd] = mean_and_sd(mse);
    out << "mean test MSE " << number(mse_mean) << " (sd " << number(mse_sd) << ")\n";
  }
}

}  // namespace nclab
