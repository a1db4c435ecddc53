#pragma once
// `nclab inspect`: one summary row per grid point of a results file (either form).
//
// The test error of a run is its final-epoch (last metrics row) test error rate for classification and
// its final-epoch test NRMSE for regression. Statistics use the complete runs of a point only; diverged
// and failed runs are counted but not averaged.

#include <cstddef>
#include <filesystem>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace nclab {

inline constexpr const char* kMetricErrorRate = "error_rate";
inline constexpr const char* kMetricNrmse = "nrmse";

struct InspectRow {
  std::string point_id;
  // The point's values of the distinguishing settings (InspectReport::setting_names), in that order.
  std::vector<std::string> setting_values;
  std::size_t runs_total = 0;
  std::size_t runs_complete = 0;
  std::size_t runs_diverged = 0;
  std::size_t runs_failed = 0;
  // kMetricErrorRate or kMetricNrmse; empty when the point has no complete run.
  std::string metric;
  // Statistics over the complete runs (folds and seeds), all NaN when the point has none. The standard
  // deviation is the sample one (n - 1 in the denominator), so it is NaN with fewer than two runs.
  double ensemble_test_error_mean = std::numeric_limits<double>::quiet_NaN();
  double ensemble_test_error_std = std::numeric_limits<double>::quiet_NaN();
  // Mean over runs and members of the members' final-epoch test error.
  double member_test_error_mean = std::numeric_limits<double>::quiet_NaN();
  // Mean over runs of the final-epoch test ambiguity.
  double test_ambiguity_mean = std::numeric_limits<double>::quiet_NaN();
  // Mean of the off-diagonal entries of the test error correlation matrices of all complete runs,
  // pooled, with NaN entries (undefined correlations) left out.
  double test_correlation_mean = std::numeric_limits<double>::quiet_NaN();
};

struct InspectReport {
  std::filesystem::path file;
  std::string layout;              // "index" (sweep unfinished or killed) or "consolidated"
  std::size_t runs_total = 0;
  std::size_t runs_stored = 0;     // runs with a stored record, whatever their status
  // Settings that tell the grid points apart: constant within every point and different between at
  // least two points. Seed and fold, which usually vary within a point, are then left out.
  std::vector<std::string> setting_names;
  std::vector<InspectRow> rows;    // one per grid point, in the order of the point's first run
};

// Reads a results file and summarises it. Throws InputError when the file is missing or is not an
// nclab results file.
InspectReport inspect_results(const std::filesystem::path& file);

// Prints the report as an aligned text table with a header that names the error measure.
void print_inspect_report(const InspectReport& report, std::ostream& out);

}  // namespace nclab
