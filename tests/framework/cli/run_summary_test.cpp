// The errors that `nclab train` prints for a run.

#include "framework/cli/run_summary.hpp"

#include <gtest/gtest.h>

namespace nclab {
namespace {

// A regression record with 3 epochs of 2 members and the ensemble. Row r has errors 10 r + column.
RunRecord three_epoch_record(long stored_epoch) {
  RunRecord record;
  record.epochs_completed = 3;
  record.stored_epoch = stored_epoch;
  for (Matrix* metric : {&record.metrics.train_nrmse, &record.metrics.test_nrmse, &record.metrics.test_mse}) {
    *metric = Matrix(3, 3);
    for (std::size_t r = 0; r < 3; ++r) {
      for (std::size_t c = 0; c < 3; ++c) (*metric)(r, c) = 10.0 * static_cast<double>(r) + static_cast<double>(c);
    }
  }
  return record;
}

TEST(RunSummary, ReportsTheStoredEpoch) {
  const RunSummary summary = summarize_run(three_epoch_record(1));
  EXPECT_FALSE(summary.classification);
  EXPECT_EQ(summary.test_error, 12.0);
  EXPECT_EQ(summary.train_error, 12.0);
  EXPECT_EQ(summary.test_mse, 12.0);
}

TEST(RunSummary, InitialParametersReportTheLastRow) {
  // -1: no row describes the stored (initial) parameters, so the summary falls back to the last row.
  const RunSummary summary = summarize_run(three_epoch_record(-1));
  EXPECT_EQ(summary.test_error, 22.0);
}

}  // namespace
}  // namespace nclab
