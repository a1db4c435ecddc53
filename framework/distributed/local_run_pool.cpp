#include "framework/distributed/local_run_pool.hpp"

#include <exception>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/sweep/scheduler.hpp"

namespace nclab {

LocalRunPool::LocalRunPool(std::size_t threads, std::function<RunRecord(const RunSpec&)> execute)
    : threads_(threads == 0 ? 1 : threads),
      execute_(std::move(execute)),
      // max_allowed_parallelism counts the owner thread, which takes no arena slot.
      parallelism_(tbb::global_control::max_allowed_parallelism, threads_ + 1),
      arena_(static_cast<int>(threads_), 0) {}

LocalRunPool::~LocalRunPool() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return training_ == 0; });
}

bool LocalRunPool::has_free_thread() const {
  std::lock_guard lock(mutex_);
  return training_ < threads_;
}

std::size_t LocalRunPool::training() const {
  std::lock_guard lock(mutex_);
  return training_;
}

void LocalRunPool::start(const RunSpec& run) {
  {
    std::lock_guard lock(mutex_);
    if (training_ >= threads_) {
      throw RuntimeFailure("LocalRunPool::start: all " + std::to_string(threads_) + " threads are training");
    }
    ++training_;
  }
  arena_.enqueue([this, run] {
    RunRecord record;
    try {
      record = execute_run(run, execute_);
    } catch (...) {
      // execute_run turns every std::exception from the run into a failed record. This catches the
      // rest (and allocation failures while logging), which must not escape an enqueued task.
      record = RunRecord{};
      record.run_id = run.run_id;
      record.run_index = run.index;
      record.point_id = run.point_id;
      record.fold = run.fold;
      record.seed = run.seed;
      record.settings.assign(run.settings.begin(), run.settings.end());
      record.status = RunStatus::failed;
      record.message = "the run threw an exception that is not a std::exception";
    }
    // Notify under the lock: once it is released the destructor may run, so nothing after the
    // unlock may touch the pool.
    std::lock_guard lock(mutex_);
    finished_.push_back(std::move(record));
    --training_;
    changed_.notify_all();
  });
}

std::vector<RunRecord> LocalRunPool::take_finished() {
  std::lock_guard lock(mutex_);
  std::vector<RunRecord> records = std::move(finished_);
  finished_.clear();
  return records;
}

void LocalRunPool::wait_for_finished(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return !finished_.empty(); });
}

}  // namespace nclab
