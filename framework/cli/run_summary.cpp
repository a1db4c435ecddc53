#include "framework/cli/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nclab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double last_ensemble_value(const Matrix& metric) {
  if (metric.rows() == 0 || metric.cols() == 0) return kNaN;
  return metric(metric.rows() - 1, metric.cols() - 1);
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
std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%-10.4g", value);
  return buffer;
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
    summary.train_error = last_ensemble_value(record.metrics.train_error_rate);
    summary.test_error = last_ensemble_value(record.metrics.test_error_rate);
  } else {
    summary.train_error = last_ensemble_value(record.metrics.train_nrmse);
    summary.test_error = last_ensemble_value(record.metrics.test_nrmse);
  }
  summary.test_mse = last_ensemble_value(record.metrics.test_mse);
  return summary;
}

void print_train_summary(std::ostream& out, RunSummaries summaries) {
  std::sort(summaries.begin(), summaries.end(),
            [](const RunSummary& a, const RunSummary& b) { return a.run_index < b.run_index; });
  if (summaries.empty()) return;
  const bool classification = std::any_of(summaries.begin(), summaries.end(),
                                          [](const RunSummary& s) { return s.classification; });
  const std::string metric = classification ? "error rate" : "NRMSE";
  out << (summaries.front().has_fold ? "fold" : "run ") << "  status     train " << metric << "  test " << metric
      << (classification ? "" : "  test MSE") << "\n";
  std::vector<double> train, test, mse;
  for (const auto& s : summaries) {
    char label[32];
    std::snprintf(label, sizeof label, "%-4zu", s.has_fold ? s.fold : s.run_index);
    out << label << "  " << to_string(s.status) << std::string(11 - std::min<std::size_t>(10, to_string(s.status).size()), ' ')
        << fixed(s.train_error) << std::string(metric.size() + 2, ' ') << fixed(s.test_error);
    if (!classification) out << std::string(metric.size() + 1, ' ') << fixed(s.test_mse);
    out << "\n";
    if (s.status == RunStatus::complete) {
      train.push_back(s.train_error);
      test.push_back(s.test_error);
      mse.push_back(s.test_mse);
    }
  }
  const auto [train_mean, train_sd] = mean_and_sd(train);
  const auto [test_mean, test_sd] = mean_and_sd(test);
  out << "mean train " << metric << " " << fixed(train_mean) << " (sd " << fixed(train_sd) << "), mean test "
      << metric << " " << fixed(test_mean) << " (sd " << fixed(test_sd) << ") over " << train.size()
      << " complete run" << (train.size() == 1 ? "" : "s") << "\n";
  if (!classification) {
    const auto [mse_mean, mse_sd] = mean_and_sd(mse);
    out << "mean test MSE " << fixed(mse_mean) << " (sd " << fixed(mse_sd) << ")\n";
  }
}

}  // namespace nclab
