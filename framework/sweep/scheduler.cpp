#include "framework/sweep/scheduler.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>

#include "framework/core/log.hpp"
#include "framework/sweep/progress.hpp"

namespace nclab {

std::size_t effective_threads(std::size_t threads) {
  if (threads > 0) return threads;
  return static_cast<std::size_t>(tbb::info::default_concurrency());
}

RunRecord execute_run(const RunSpec& spec, const std::function<RunRecord(const RunSpec&)>& execute) {
  RunRecord record;
  try {
    record = execute(spec);
  } catch (const std::exception& error) {
    record = RunRecord{};
    record.status = RunStatus::failed;
    record.message = error.what();
  }
  record.run_id = spec.run_id;
  record.run_index = spec.index;
  record.point_id = spec.point_id;
  record.fold = spec.fold;
  record.seed = spec.seed;
  if (record.settings.empty()) record.settings.assign(spec.settings.begin(), spec.settings.end());

  if (record.status == RunStatus::failed) {
    log_message(LogLevel::error, "run failed: " + record.message, spec.run_id);
  } else if (record.status == RunStatus::diverged) {
    log_message(LogLevel::warning, "run diverged: " + record.message, spec.run_id);
  } else {
    log_message(LogLevel::debug, "run complete", spec.run_id);
  }
  return record;
}

void count_run(SweepOutcome& outcome, const RunRecord& record) {
  if (record.status == RunStatus::failed) {
    ++outcome.failed;
    outcome.failures.push_back({record.run_id, record.run_index, record.message});
  } else if (record.status == RunStatus::diverged) {
    ++outcome.diverged;
  } else {
    ++outcome.complete;
  }
}

SweepOutcome run_scheduled(const std::vector<RunSpec>& runs,
                           const std::function<RunRecord(const RunSpec&)>& execute,
                           const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options) {
  const std::size_t threads = effective_threads(options.threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena arena(static_cast<int>(threads));

  SweepOutcome outcome;
  std::mutex outcome_mutex;
  std::atomic<bool> stop{false};
  std::exception_ptr sink_error;
  std::unique_ptr<Progress> progress;
  if (options.show_progress) progress = std::make_unique<Progress>(runs.size(), options.interactive_progress);

  auto run_one = [&](std::size_t i) {
    if (stop.load()) {
      std::lock_guard lock(outcome_mutex);
      ++outcome.not_started;
      return;
    }
    const RunSpec& spec = runs[i];
    RunRecord record = execute_run(spec, execute);
    const RunStatus status = record.status;
    {
      std::lock_guard lock(outcome_mutex);
      count_run(outcome, record);
    }
    try {
      sink(std::move(record));
    } catch (...) {
      std::lock_guard lock(outcome_mutex);
      if (!sink_error) sink_error = std::current_exception();
      stop = true;
    }
    if (status == RunStatus::failed && options.fail_fast) stop = true;
    if (progress) progress->run_finished(status == RunStatus::failed);
  };

  // simple_partitioner with grain 1 makes every run its own task, so that long and short runs balance.
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, runs.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) run_one(i);
                      },
                      tbb::simple_partitioner());
  });
  if (progress) progress->finish();
  if (sink_error) std::rethrow_exception(sink_error);
  return outcome;
}

}  // namespace nclab
