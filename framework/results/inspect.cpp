#include "framework/results/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include "framework/core/error.hpp"
#include "framework/results/hdf5_io.hpp"
#include "framework/results/sweep_file.hpp"

namespace nclab {

namespace {

// The final-epoch values inspect needs from one complete run.
struct RunSummary {
  std::string metric;
  double ensemble_error = 0;
  double member_error_mean = 0;
  double ambiguity = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> off_diagonal_correlations;  // finite entries only
};

RunSummary summarise_run(hid_t runs, const std::string& run_id) {
  hdf5::Handle run = hdf5::open_group(runs, run_id);
  hdf5::Handle metrics = hdf5::open_group(run.get(), "metrics");
  RunSummary summary;

  std::string dataset;
  if (hdf5::link_exists(metrics.get(), "test_error_rate")) {
    summary.metric = kMetricErrorRate;
    dataset = "test_error_rate";
  } else if (hdf5::link_exists(metrics.get(), "test_nrmse")) {
    summary.metric = kMetricNrmse;
    dataset = "test_nrmse";
  } else {
    throw RuntimeFailure("run " + hdf5::describe(run.get()) + " has neither test_error_rate nor test_nrmse");
  }
  const hdf5::Shape shape = hdf5::dataset_shape(metrics.get(), dataset);
  if (shape.size() != 2 || shape[0] == 0 || shape[1] < 2) {
    throw RuntimeFailure("metrics " + hdf5::describe(metrics.get(), dataset) + " has no final epoch with members");
  }
  // The row of the stored weights (see RunRecord::stored_epoch), else the last row.
  std::size_t row = shape[0] - 1;
  if (hdf5::attribute_exists(run.get(), "stored_epoch")) {
    const long stored = hdf5::read_int64_attribute(run.get(), "stored_epoch");
    if (stored >= 0 && static_cast<std::size_t>(stored) < shape[0]) row = static_cast<std::size_t>(stored);
  }
  const std::vector<double> final_row = hdf5::read_matrix_row(metrics.get(), dataset, row);
  summary.ensemble_error = final_row.back();
  double member_sum = 0;
  for (std::size_t m = 0; m + 1 < final_row.size(); ++m) member_sum += final_row[m];
  summary.member_error_mean = member_sum / static_cast<double>(final_row.size() - 1);

  if (hdf5::link_exists(metrics.get(), "test_ambiguity")) {
    const std::vector<double> ambiguity = hdf5::read_doubles(metrics.get(), "test_ambiguity");
    if (row < ambiguity.size()) summary.ambiguity = ambiguity[row];
  }

  hdf5::Handle correlation = hdf5::open_group(run.get(), "correlation");
  if (hdf5::link_exists(correlation.get(), "test")) {
    const Matrix test = hdf5::read_matrix(correlation.get(), "test");
    for (std::size_t i = 0; i < test.rows(); ++i) {
      for (std::size_t j = 0; j < test.cols(); ++j) {
        if (i != j && std::isfinite(test(i, j))) summary.off_diagonal_correlations.push_back(test(i, j));
      }
    }
  }
  return summary;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

double sample_standard_deviation(const std::vector<double>& values) {
  if (values.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const double center = mean(values);
  double squares = 0;
  for (double value : values) squares += (value - center) * (value - center);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

// Settings constant within every grid point that take at least two values across points.
std::vector<std::string> distinguishing_settings(const SweepIndex& index,
                                                 const std::vector<std::string>& point_order,
                                                 const std::map<std::string, std::vector<std::size_t>>& runs_of) {
  std::set<std::string> names;
  for (const GridRun& run : index.grid) {
    for (const auto& setting : run.settings) names.insert(setting.first);
  }
  std::vector<std::string> distinguishing;
  for (const std::string& name : names) {
    bool constant_within_points = true;
    std::set<std::string> point_values;
    for (const std::string& point : point_order) {
      std::set<std::string> values;
      for (std::size_t r : runs_of.at(point)) {
        const auto& settings = index.grid[r].settings;
        const auto found = std::find_if(settings.begin(), settings.end(), [&](const auto& s) { return s.first == name; });
        values.insert(found == settings.end() ? std::string() : found->second);
      }
      constant_within_points = constant_within_points && values.size() == 1;
      point_values.insert(*values.begin());
    }
    if (constant_within_points && point_values.size() > 1) distinguishing.push_back(name);
  }
  return distinguishing;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

InspectReport inspect_results(const std::filesystem::path& file) {
  const SweepIndex index = read_sweep_index(file);

  InspectReport report;
  report.file = file;
  report.layout = index.layout;
  report.runs_total = index.grid.size();

  std::vector<std::string> point_order;
  std::map<std::string, std::vector<std::size_t>> runs_of;
  for (std::size_t r = 0; r < index.grid.size(); ++r) {
    const std::string& point = index.grid[r].point_id;
    if (!runs_of.contains(point)) point_order.push_back(point);
    runs_of[point].push_back(r);
    if (index.status[r] != StoredStatus::pending) ++report.runs_stored;
  }
  report.setting_names = distinguishing_settings(index, point_order, runs_of);

  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::Handle handle = hdf5::open_file_read_only(file);
  hdf5::Handle runs = hdf5::open_group(handle.get(), "runs");
  for (const std::string& point : point_order) {
    InspectRow row;
    row.point_id = point;
    const GridRun& first = index.grid[runs_of[point].front()];
    for (const std::string& name : report.setting_names) {
      const auto found = std::find_if(first.settings.begin(), first.settings.end(),
                                      [&](const auto& setting) { return setting.first == name; });
      row.setting_values.push_back(found == first.settings.end() ? "" : found->second);
    }

    std::vector<double> ensemble_errors, member_errors, ambiguities, correlations;
    for (std::size_t r : runs_of[point]) {
      ++row.runs_total;
      if (index.status[r] == StoredStatus::diverged) ++row.runs_diverged;
      if (index.status[r] == StoredStatus::failed) ++row.runs_failed;
      if (index.status[r] != StoredStatus::complete) continue;
      ++row.runs_complete;

      const RunSummary summary = summarise_run(runs.get(), index.grid[r].run_id);
      if (row.metric.empty()) row.metric = summary.metric;
      if (summary.metric != row.metric) {
        throw RuntimeFailure("grid point '" + point + "' mixes runs measured by " + row.metric + " and " +
                             summary.metric + " in '" + file.string() + "'");
      }
      ensemble_errors.push_back(summary.ensemble_error);
      member_errors.push_back(summary.member_error_mean);
      if (!std::isnan(summary.ambiguity)) ambiguities.push_back(summary.ambiguity);
      correlations.insert(correlations.end(), summary.off_diagonal_correlations.begin(),
                          summary.off_diagonal_correlations.end());
    }
    row.ensemble_test_error_mean = mean(ensemble_errors);
    row.ensemble_test_error_std = sample_standard_deviation(ensemble_errors);
    row.member_test_error_mean = mean(member_errors);
    row.test_ambiguity_mean = mean(ambiguities);
    row.test_correlation_mean = mean(correlations);
    report.rows.push_back(std::move(row));
  }
  runs.close();
  handle.close();
  return report;
}

void print_inspect_report(const InspectReport& report, std::ostream& out) {
  std::set<std::string> metrics;
  for (const InspectRow& row : report.rows) {
    if (!row.metric.empty()) metrics.insert(row.metric);
  }
  out << "results: " << report.file.string() << " (" << report.layout << " file, " << report.runs_stored << " of "
      << report.runs_total << " runs stored)\n";
  if (metrics.size() > 1) {
    out << "test error: final-epoch test error rate for classification points, final-epoch test NRMSE for "
           "regression points (see the metric column)\n";
  } else if (metrics.contains(kMetricNrmse)) {
    out << "test error: final-epoch test NRMSE (regression)\n";
  } else {
    out << "test error: final-epoch test error rate (classification)\n";
  }
  out << "statistics over the complete runs of each grid point (folds and seeds); '-' where undefined\n\n";

  std::vector<std::string> header = {"point_id"};
  header.insert(header.end(), report.setting_names.begin(), report.setting_names.end());
  if (metrics.size() > 1) header.push_back("metric");
  for (const char* column : {"runs", "diverged", "failed", "ensemble_error_mean", "ensemble_error_std",
                             "member_error_mean", "test_ambiguity", "test_correlation"}) {
    header.push_back(column);
  }

  std::vector<std::vector<std::string>> table = {header};
  for (const InspectRow& row : report.rows) {
    std::vector<std::string> cells = {row.point_id};
    cells.insert(cells.end(), row.setting_values.begin(), row.setting_values.end());
    if (metrics.size() > 1) cells.push_back(row.metric.empty() ? "-" : row.metric);
    cells.push_back(std::to_string(row.runs_complete) + "/" + std::to_string(row.runs_total));
    cells.push_back(std::to_string(row.runs_diverged));
    cells.push_back(std::to_string(row.runs_failed));
    for (double value : {row.ensemble_test_error_mean, row.ensemble_test_error_std, row.member_test_error_mean,
                         row.test_ambiguity_mean, row.test_correlation_mean}) {
      cells.push_back(format_number(value));
    }
    table.push_back(std::move(cells));
  }

  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& cells : table) {
    for (std::size_t c = 0; c < cells.size(); ++c) widths[c] = std::max(widths[c], cells[c].size());
  }
  for (const auto& cells : table) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out << cells[c];
      if (c + 1 < cells.size()) out << std::string(widths[c] - cells[c].size() + 2, ' ');
    }
    out << "\n";
  }
}

}  // namespace nclab
