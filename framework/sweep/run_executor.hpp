#pragma once
// Turns a RunSpec into a trained RunRecord: finds the dataset (loaded once per sweep), splits it,
// prepares the fold, builds the TrainingConfig and the member factory, and calls the ensemble trainer.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "framework/data/dataset.hpp"
#include "framework/ensemble/settings.hpp"
#include "framework/results/run_record.hpp"
#include "framework/sweep/plan.hpp"

namespace nclab {

class RunExecutor {
 public:
  // `data_dir` prefixes relative data paths (empty: the working folder).
  RunExecutor(std::string data_dir, bool allow_unstable);

  // Checks every run before anything trains: builds each TrainingConfig and validates it, loads each
  // distinct dataset, checks that its splits exist and builds one member of each distinct model
  // configuration. Throws InputError for the first bad run, so that invalid input fails at once with
  // exit status 2 instead of as many failed runs.
  void check_runs(const std::vector<RunSpec>& runs);

  // Trains one run. Throws on failure; the scheduler stores the run as failed.
  RunRecord execute(const RunSpec& run);

  // The TrainingConfig of a run (the output activation needs the dataset's task; a model that
  // reconstructs its input trains a regression whatever `dataset_task` is).
  TrainingConfig training_config(const RunSpec& run, Task dataset_task) const;

  // Key of the random streams of a run: a hash of its data settings and fold, so that runs differing
  // only in penalty settings start from the same weights and see the same pattern order.
  static std::uint64_t stream_key(const RunSpec& run);

 private:
  std::shared_ptr<const Dataset> dataset_for(const RunSpec& run);
  PreparedData prepared_data_for(const RunSpec& run, const Dataset& dataset, bool reconstruct_inputs);
  static void check_member(const TrainingConfig& config, std::size_t inputs, std::size_t outputs, Task task,
                           std::set<std::string>& checked);

  std::string data_dir_;
  bool allow_unstable_;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const Dataset>> datasets_;
};

}  // namespace nclab
