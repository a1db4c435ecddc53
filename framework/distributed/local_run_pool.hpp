#pragma once
// Trains runs on oneTBB worker threads while the thread that owns the pool stays free, so that an MPI
// rank can receive and send messages while its runs train. The owner starts runs one at a time and
// collects their records. The pool never calls back into the owner.

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/sweep/plan.hpp"

namespace nclab {

class LocalRunPool {
 public:
  // Trains at most `threads` runs at once through `execute` (wrapped by execute_run, so a run that
  // throws becomes a failed record). Limits the whole process to `threads` oneTBB workers plus the
  // owner thread, which never trains.
  LocalRunPool(std::size_t threads, std::function<RunRecord(const RunSpec&)> execute);
  // Waits for the runs still training and drops their records.
  ~LocalRunPool();
  LocalRunPool(const LocalRunPool&) = delete;
  LocalRunPool& operator=(const LocalRunPool&) = delete;

  std::size_t threads() const { return threads_; }
  // True while fewer than threads() runs are training.
  bool has_free_thread() const;
  // Runs started and not yet finished.
  std::size_t training() const;

  // Starts training a copy of `run` on a free thread. Call only while has_free_thread().
  void start(const RunSpec& run);

  // Returns the records finished since the last call, in the order they finished.
  std::vector<RunRecord> take_finished();

  // Blocks until a record is waiting in take_finished() or `timeout` has passed.
  void wait_for_finished(std::chrono::milliseconds timeout);

 private:
  std::size_t threads_;
  std::function<RunRecord(const RunSpec&)> execute_;
  // The owner thread only enqueues, so every one of the `threads_` arena slots goes to a worker.
  tbb::global_control parallelism_;
  tbb::task_arena arena_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t training_ = 0;
  std::vector<RunRecord> finished_;
};

}  // namespace nclab
