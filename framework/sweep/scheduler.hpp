#pragma once
// Runs the runs of a sweep on a oneTBB arena. Whole runs go to worker threads, because with the tiny
// networks of the published experiments a barrier per pattern costs more than the math. The trainer
// parallelises members inside a run only when a step is large.
// Results do not depend on the thread count: each run's random streams are keyed by its settings.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/sweep/plan.hpp"

namespace nclab {

struct SchedulerOptions {
  std::size_t threads = 0;  // 0: every core
  bool fail_fast = false;
  bool interactive_progress = false;
  bool show_progress = true;
};

struct RunFailure {
  std::string run_id;
  std::size_t run_index = 0;
  std::string message;
};

struct SweepOutcome {
  std::size_t complete = 0;
  std::size_t diverged = 0;
  std::size_t failed = 0;
  std::size_t not_started = 0;  // skipped after --fail-fast stopped the sweep
  std::vector<RunFailure> failures;
};

// Trains one run through `execute` and logs its outcome. An exception thrown by `execute` becomes a
// record with status failed and the exception's text as message. The record's run id, index, point id,
// fold and seed always come from `spec`, and so do its settings unless `execute` filled them.
RunRecord execute_run(const RunSpec& spec, const std::function<RunRecord(const RunSpec&)>& execute);

// Adds one finished run to the counts of `outcome`, and to its failures when the run failed.
void count_run(SweepOutcome& outcome, const RunRecord& record);

// Executes every run through `execute` and hands each record to `sink`. Worker threads call the sink,
// one record at a time per thread, so it must be thread-safe. An exception thrown by `execute` becomes
// a record with status failed. An exception thrown by `sink` stops the sweep and is rethrown.
SweepOutcome run_scheduled(const std::vector<RunSpec>& runs,
                           const std::function<RunRecord(const RunSpec&)>& execute,
                           const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options);

// The number of worker threads that `threads` (0: every core) gives.
std::size_t effective_threads(std::size_t threads);

}  // namespace nclab
