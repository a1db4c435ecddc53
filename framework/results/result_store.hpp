#pragma once
// The result store of one sweep: a writer thread that owns the results file and stores each finished
// run's RunRecord so that a SIGKILL at any moment leaves a file that opens and a sweep that resumes.
//
// During the sweep FILE is a small index file and each run lives in FILE.parts/<run_id>.h5. The index
// is rewritten at most once per StoreOptions::index_interval, so it may lag behind the per-run files.
// resume() adopts the complete per-run files that the index does not list yet. finish() consolidates
// everything into one self-contained FILE and removes FILE.parts/. docs/hdf5-schema.md describes both
// forms and why each step is crash safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "framework/results/durable_file.hpp"
#include "framework/results/run_record.hpp"
#include "framework/results/sweep.hpp"
#include "framework/results/sweep_file.hpp"

namespace nclab {

struct StoreOptions {
  // create(): replace an existing results file (and its FILE.parts/ folder) instead of raising InputError.
  bool overwrite = false;
  // Records waiting for the writer thread; submit() blocks while this many are queued, so memory stays
  // bounded however many runs the sweep has.
  std::size_t queue_capacity = 2;
  // Maximum time between index rewrites while runs are being stored. The writer rewrites the whole
  // index (O(runs) work and an fsync) only when this much time has passed since the last rewrite, and
  // once more when the store closes. Zero rewrites it after every batch of records.
  std::chrono::milliseconds index_interval{1000};
  // Called on the writer thread once a run's record is durable: FILE.parts/<run_id>.h5 is written,
  // fsync'd and renamed into place. From then on a crash cannot lose the run. The index file lists it
  // after the next index rewrite, and resume() adopts it if the process dies before that. An exception
  // thrown here stops the writer like a write error.
  std::function<void(const std::string& run_id, StoredStatus status)> on_stored;
  // Called on the writer thread with progress lines (consolidation, leftovers removed, missing
  // per-run files). Without it the store prints nothing.
  std::function<void(const std::string& message)> log;
  // Called with lines that need the user's attention: the file stays in its index form, or it was
  // started by another nclab build or OpenBLAS core. Without it the store prints nothing.
  std::function<void(const std::string& message)> warn;
};

class ResultStore {
 public:
  // Starts a new sweep in `file`: writes an index file with every run pending and starts the writer.
  // Throws InputError when the folder is missing or unwritable, when `file` exists and
  // options.overwrite is false, or when another process writes `file`.
  static std::unique_ptr<ResultStore> create(const std::filesystem::path& file, const SweepMetadata& metadata,
                                             std::vector<GridRun> grid, StoreOptions options = {});

  // Continues the sweep stored in `file` (either form). Throws InputError when `file` is missing, is not
  // an nclab results file, or contains a different grid (other run ids, another order or count). The
  // stored metadata stays; this session's time and command line are added as resumed_at and
  // resume_command_lines. In the index form, runs whose per-run file is missing become pending. Per-run
  // files that are newer than the index (written after its last rewrite) are validated and adopted,
  // and a damaged one is deleted so that its run runs again.
  static std::unique_ptr<ResultStore> resume(const std::filesystem::path& file, const SweepMetadata& metadata,
                                             std::vector<GridRun> grid, StoreOptions options = {});

  // Without finish(), stores the records already queued, rewrites the index so that it lists every
  // stored run, and leaves the file in its index form, ready to resume. Writer errors are reported
  // through options.log.
  ~ResultStore();

  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Run ids stored as complete or diverged when the store opened: the sweep skips these. Failed and
  // pending runs are missing from the set and run again. Empty after create().
  const std::set<std::string>& final_runs() const { return final_runs_; }
  const std::filesystem::path& path() const { return file_; }
  const std::filesystem::path& parts_folder() const { return parts_; }

  // Hands a record to the writer thread; blocks while the queue is full. Throws RuntimeFailure for a
  // record that fails validate_run_record, is not in the grid at its run index, was already submitted
  // in this session or is final in the file, and rethrows the writer thread's first error.
  void submit(RunRecord record);

  // Stores every queued record, consolidates FILE (unless this session stored nothing into an already
  // consolidated file) and stops the writer. Rethrows the writer thread's first error. Call once.
  void finish();

 private:
  ResultStore(std::filesystem::path file, SweepIndex index, durable::FileLock lock, bool consolidated,
              StoreOptions options);

  // Starts the writer thread. With `write_index`, the writer first writes the index file, and this call
  // waits for it and rethrows its error. Every HDF5 write then happens on the writer thread, so that
  // its buffers stay in that thread's malloc arena instead of adding to the caller's.
  void start_writer(bool write_index);
  void stop_writer(bool consolidate);
  void run_writer(bool write_index, std::promise<void>& index_written);
  void store_batch(const std::vector<RunRecord>& batch);
  void write_part_file(const RunRecord& record);
  void convert_to_index_form();
  bool index_rewrite_due() const;
  void rewrite_index();
  void consolidate();
  std::string consolidation_room_problem() const;
  void log(const std::string& message) const;
  void warn(const std::string& message) const;

  std::filesystem::path file_;
  std::filesystem::path folder_;  // the folder of file_, against which run locations are resolved
  std::filesystem::path parts_;   // file_ + ".parts"
  StoreOptions options_;
  durable::FileLock lock_;

  // Owned by the writer thread once it runs; the constructor's thread before.
  SweepIndex index_;
  // True while FILE is still a consolidated file that this session has not changed.
  bool consolidated_unchanged_ = false;
  // True while index_ lists stored runs that the index file on disk does not.
  bool index_dirty_ = false;
  std::chrono::steady_clock::time_point last_index_rewrite_;

  std::set<std::string> final_runs_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable queue_not_full_;
  std::condition_variable queue_not_empty_;
  std::deque<RunRecord> queue_;
  std::vector<bool> submitted_;  // by grid row
  bool closing_ = false;
  bool consolidate_on_close_ = false;
  bool finished_ = false;
  std::exception_ptr writer_error_;
  std::thread writer_;
};

}  // namespace nclab
