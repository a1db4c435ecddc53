#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "framework/results/inspect.hpp"
#include "framework/results/result_store.hpp"
#include "tests/framework/results/record_fixtures.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

using test::TemporaryFolder;

// Expected statistics of one grid point, computed straight from the records.
struct Expected {
  std::vector<double> ensemble, members, ambiguity, correlation;
};

Expected expected_for(const std::vector<RunRecord>& complete_runs, bool classification) {
  Expected expected;
  for (const RunRecord& record : complete_runs) {
    const Matrix& errors = classification ? record.metrics.test_error_rate : record.metrics.test_nrmse;
    // The row of the stored weights, which early stopping moves before the last row.
    const auto stored = static_cast<std::size_t>(record.stored_epoch);
    const std::size_t members = errors.cols() - 1;
    expected.ensemble.push_back(errors(stored, members));
    double sum = 0;
    for (std::size_t m = 0; m < members; ++m) sum += errors(stored, m);
    expected.members.push_back(sum / static_cast<double>(members));
    expected.ambiguity.push_back(record.metrics.test_ambiguity[stored]);
    for (std::size_t i = 0; i < record.test_correlation.rows(); ++i) {
      for (std::size_t j = 0; j < record.test_correlation.cols(); ++j) {
        if (i != j && !std::isnan(record.test_correlation(i, j))) expected.correlation.push_back(record.test_correlation(i, j));
      }
    }
  }
  return expected;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

double std_of(const std::vector<double>& values) {
  const double center = mean_of(values);
  double squares = 0;
  for (double value : values) squares += (value - center) * (value - center);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

// 12 runs in 3 grid points (lambda 0, 0.25, 0.5) of 4 runs each. In point 1, run 5 diverged and run 6
// failed; in point 2, run 11 was never stored.
std::vector<RunRecord> write_sweep(const std::filesystem::path& file, bool classification, bool finish) {
  test::FixtureShape shape;
  shape.classification = classification;
  const auto grid = test::fixture_grid(12, classification);
  std::vector<RunRecord> records;
  auto store = ResultStore::create(file, test::fixture_metadata(), grid);
  for (const GridRun& run : grid) {
    if (run.run_index == 11) continue;
    const RunStatus status = run.run_index == 5   ? RunStatus::diverged
                             : run.run_index == 6 ? RunStatus::failed
                                                  : RunStatus::complete;
    records.push_back(test::fixture_record(run, shape, status));
    // Every third run stores an earlier epoch's weights, as early stopping does.
    if (run.run_index % 3 == 0 && status == RunStatus::complete) records.back().stored_epoch = 2;
    store->submit(records.back());
  }
  if (finish) store->finish();
  return records;
}

void check_report(const InspectReport& report, const std::vector<RunRecord>& records, bool classification) {
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.runs_total, 12u);
  EXPECT_EQ(report.runs_stored, 11u);
  EXPECT_EQ(report.setting_names, std::vector<std::string>{"lambda"});

  const std::vector<std::vector<std::size_t>> complete_of = {{0, 1, 2, 3}, {4, 7}, {8, 9, 10}};
  const std::vector<std::string> lambdas = {"0", "0.25", "0.5"};
  for (std::size_t p = 0; p < 3; ++p) {
    SCOPED_TRACE("grid point " + std::to_string(p));
    const InspectRow& row = report.rows[p];
    std::vector<RunRecord> complete;
    for (std::size_t r : complete_of[p]) complete.push_back(records[r]);
    const Expected expected = expected_for(complete, classification);

    EXPECT_EQ(row.point_id, records[4 * p].point_id);
    EXPECT_EQ(row.setting_values, std::vector<std::string>{lambdas[p]});
    EXPECT_EQ(row.metric, classification ? kMetricErrorRate : kMetricNrmse);
    EXPECT_EQ(row.runs_total, 4u);
    EXPECT_EQ(row.runs_complete, complete_of[p].size());
    EXPECT_EQ(row.runs_diverged, p == 1 ? 1u : 0u);
    EXPECT_EQ(row.runs_failed, p == 1 ? 1u : 0u);
    EXPECT_NEAR(row.ensemble_test_error_mean, mean_of(expected.ensemble), 1e-14);
    EXPECT_NEAR(row.ensemble_test_error_std, std_of(expected.ensemble), 1e-14);
    EXPECT_NEAR(row.member_test_error_mean, mean_of(expected.members), 1e-14);
    EXPECT_NEAR(row.test_ambiguity_mean, mean_of(expected.ambiguity), 1e-14);
    // Each 3 x 3 matrix has 6 off-diagonal entries, 2 of them NaN.
    EXPECT_EQ(expected.correlation.size(), 4 * complete.size());
    EXPECT_NEAR(row.test_correlation_mean, mean_of(expected.correlation), 1e-14);
  }
}

TEST(Inspect, ClassificationValuesMatchRecords) {
  TemporaryFolder folder;
  const auto records = write_sweep(folder / "results.h5", true, true);
  const InspectReport report = inspect_results(folder / "results.h5");
  EXPECT_EQ(report.layout, "consolidated");
  check_report(report, records, true);
}

TEST(Inspect, RegressionValuesMatchRecordsInIndexForm) {
  TemporaryFolder folder;
  const auto records = write_sweep(folder / "results.h5", false, false);
  const InspectReport report = inspect_results(folder / "results.h5");
  EXPECT_EQ(report.layout, "index");
  check_report(report, records, false);
}

TEST(Inspect, PrintedTableNamesMeasureAndColumns) {
  TemporaryFolder folder;
  write_sweep(folder / "results.h5", false, true);
  std::ostringstream text;
  print_inspect_report(inspect_results(folder / "results.h5"), text);
  const std::string output = text.str();

  EXPECT_NE(output.find("test error: final-epoch test NRMSE (regression)"), std::string::npos) << output;
  EXPECT_NE(output.find("11 of 12 runs stored"), std::string::npos) << output;
  EXPECT_NE(output.find("point_id"), std::string::npos) << output;
  EXPECT_NE(output.find("lambda"), std::string::npos) << output;
  EXPECT_NE(output.find("2/4"), std::string::npos) << output;
  EXPECT_NE(output.find("3/4"), std::string::npos) << output;
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 4 + 4) << output;
}

TEST(Inspect, SinglePointHasNoSettingColumns) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(3);
  {
    auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), grid);
    store->submit(test::fixture_record(grid[0]));
    store->finish();
  }
  const InspectReport report = inspect_results(folder / "results.h5");
  ASSERT_EQ(report.rows.size(), 1u);
  EXPECT_TRUE(report.setting_names.empty());
  EXPECT_EQ(report.rows[0].runs_complete, 1u);
  EXPECT_TRUE(std::isnan(report.rows[0].ensemble_test_error_std));
}

TEST(Inspect, MissingFileIsInputError) {
  TemporaryFolder folder;
  EXPECT_THROW(inspect_results(folder / "none.h5"), InputError);
}

}  // namespace
}  // namespace nclab
