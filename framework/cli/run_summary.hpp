#pragma once
// The errors of runs' stored models, as `nclab train` prints them: the last epoch's, or with early
// stopping those of the restored best epoch (RunRecord::stored_epoch).

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "framework/results/run_record.hpp"

namespace nclab {

struct RunSummary {
  std::size_t run_index = 0;
  std::size_t fold = 0;
  bool has_fold = false;
  RunStatus status = RunStatus::complete;
  bool classification = false;
  std::size_t epochs = 0;
  // Ensemble values at the stored epoch: error rate (classification) or NRMSE (regression).
  double train_error = 0;
  double test_error = 0;
  double test_mse = 0;
};
using RunSummaries = std::vector<RunSummary>;

RunSummary summarize_run(const RunRecord& record);

// One line per run in grid order, then the mean and standard deviation over runs.
void print_train_summary(std::ostream& out, RunSummaries summaries);

}  // namespace nclab
