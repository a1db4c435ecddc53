// The writer thread of ResultStore: queue, per-run files, index rewrites and consolidation.
// create() and resume() live in result_store_open.cpp.

#include "framework/results/result_store.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <iostream>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/results/hdf5_io.hpp"
#include "framework/results/part_files.hpp"
#include "framework/results/run_io.hpp"

namespace nclab {

namespace {

constexpr const char* kBaseFileName = "base.h5";
constexpr const char* kIndexTemporaryName = "index.h5.tmp";
constexpr const char* kConsolidatedTemporaryName = "consolidated.h5.tmp";

}  // namespace

ResultStore::ResultStore(std::filesystem::path file, SweepIndex index, durable::FileLock lock, bool consolidated,
                         StoreOptions options)
    : file_(std::move(file)),
      options_(std::move(options)),
      lock_(std::move(lock)),
      index_(std::move(index)),
      consolidated_unchanged_(consolidated) {
  folder_ = file_.parent_path().empty() ? std::filesystem::path(".") : file_.parent_path();
  parts_ = file_;
  parts_ += ".parts";
  if (options_.queue_capacity == 0) options_.queue_capacity = 1;
  submitted_.assign(index_.grid.size(), false);
  for (std::size_t r = 0; r < index_.grid.size(); ++r) {
    if (is_final(index_.status[r])) final_runs_.insert(index_.grid[r].run_id);
  }
}

ResultStore::~ResultStore() {
  if (!writer_.joinable()) return;
  stop_writer(false);
  if (writer_error_) {
    try {
      std::rethrow_exception(writer_error_);
    } catch (const std::exception& error) {
      // The destructor cannot throw; finish() would have rethrown this.
      const std::string message = "result store for '" + file_.string() + "' stopped with an error: " + error.what();
      if (options_.log) {
        options_.log(message);
      } else {
        std::cerr << "nclab: " << message << "\n";
      }
    }
  }
}

void ResultStore::start_writer(bool write_index) {
  std::promise<void> index_written;
  std::future<void> started = index_written.get_future();
  writer_ = std::thread([this, write_index, promise = std::move(index_written)]() mutable {
    run_writer(write_index, promise);
  });
  try {
    started.get();
  } catch (...) {
    writer_.join();
    throw;
  }
}

void ResultStore::stop_writer(bool consolidate) {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    consolidate_on_close_ = consolidate;
  }
  queue_not_empty_.notify_all();
  writer_.join();
}

void ResultStore::submit(RunRecord record) {
  validate_run_record(record);
  // The grid is in run-index order (create() and resume() check it), so the run index is the row.
  const std::size_t row = record.run_index;
  if (row >= index_.grid.size()) {
    throw RuntimeFailure("run '" + record.run_id + "' has run index " + std::to_string(row) + ", but the grid of '" +
                         file_.string() + "' has " + std::to_string(index_.grid.size()) + " runs");
  }
  if (index_.grid[row].run_id != record.run_id) {
    throw RuntimeFailure("run '" + record.run_id + "' has run index " + std::to_string(row) + ", but the grid of '" +
                         file_.string() + "' has run '" + index_.grid[row].run_id + "' there");
  }
  if (final_runs_.contains(record.run_id)) {
    throw RuntimeFailure("run '" + record.run_id + "' is already stored as final in '" + file_.string() +
                         "'; the sweep must skip the runs in final_runs()");
  }

  std::unique_lock lock(mutex_);
  if (finished_ || closing_) throw RuntimeFailure("submit() after finish() on '" + file_.string() + "'");
  if (submitted_[row]) {
    throw RuntimeFailure("run '" + record.run_id + "' was submitted twice to '" + file_.string() + "'");
  }
  submitted_[row] = true;
  queue_not_full_.wait(lock, [this] { return writer_error_ || queue_.size() < options_.queue_capacity; });
  if (writer_error_) std::rethrow_exception(writer_error_);
  // The writer may have drained the queue and stopped while this call waited for space.
  if (closing_) throw RuntimeFailure("submit() after finish() on '" + file_.string() + "'");
  queue_.push_back(std::move(record));
  lock.unlock();
  queue_not_empty_.notify_one();
}

void ResultStore::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) throw RuntimeFailure("finish() called twice on the result store of '" + file_.string() + "'");
    finished_ = true;
  }
  stop_writer(true);
  if (writer_error_) std::rethrow_exception(writer_error_);
}

void ResultStore::run_writer(bool write_index, std::promise<void>& index_written) {
  hdf5::silence_automatic_error_printing();
  try {
    if (write_index) rewrite_index();
  } catch (...) {
    index_written.set_exception(std::current_exception());
    return;
  }
  index_written.set_value();

  try {
    for (;;) {
      // Take every queued record, so that a writer that falls behind stores them as one batch.
      std::vector<RunRecord> batch;
      bool closing = false;
      {
        std::unique_lock lock(mutex_);
        const auto has_work = [this] { return closing_ || !queue_.empty(); };
        if (index_dirty_) {
          // Wake up when the pending index rewrite is due, even if no record arrives.
          queue_not_empty_.wait_until(lock, last_index_rewrite_ + options_.index_interval, has_work);
        } else {
          queue_not_empty_.wait(lock, has_work);
        }
        // submit() rejects records once closing_ is set, so this batch is the last one.
        closing = closing_;
        while (!queue_.empty()) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      queue_not_full_.notify_all();
      if (!batch.empty()) store_batch(batch);
      if (closing) break;
      if (index_dirty_ && index_rewrite_due()) rewrite_index();
    }
    // The index lists every stored run before consolidation starts, so a kill during consolidation
    // leaves a complete index.
    if (index_dirty_) rewrite_index();
    bool consolidate_now = false;
    {
      std::lock_guard lock(mutex_);
      consolidate_now = consolidate_on_close_;
    }
    if (consolidate_now) consolidate();
  } catch (...) {
    std::lock_guard lock(mutex_);
    writer_error_ = std::current_exception();
    queue_.clear();
  }
  queue_not_full_.notify_all();
}

// Writes each run's file, then rewrites the index if the last rewrite is index_interval old. Otherwise
// the index lists these runs at a later rewrite, and until then resume() adopts their files.
void ResultStore::store_batch(const std::vector<RunRecord>& batch) {
  if (consolidated_unchanged_) convert_to_index_form();
  for (const RunRecord& record : batch) write_part_file(record);
  index_dirty_ = true;
  if (index_rewrite_due()) rewrite_index();
  if (!options_.on_stored) return;
  for (const RunRecord& record : batch) options_.on_stored(record.run_id, stored_status(record.status));
}

// Writes the run into its own file under a temporary name, makes it durable, then gives it its name
// and records its location for the next index.
void ResultStore::write_part_file(const RunRecord& record) {
  const RunLocation location = part_file_location(file_, record.run_id);
  const std::filesystem::path part = folder_ / location.file;
  std::filesystem::path temporary = part;
  temporary += ".tmp";
  {
    std::lock_guard lock(hdf5::hdf5_mutex());
    hdf5::Handle file = hdf5::create_file(temporary);
    write_run_group(file.get(), location.object, record);
    file.close();
  }
  durable::fsync_file(temporary);
  durable::replace_file(temporary, part);

  const std::size_t row = record.run_index;
  index_.status[row] = stored_status(record.status);
  index_.locations[row] = location;
}

// Turns a consolidated FILE that a resumed session is about to change into the index form: FILE gets
// a second name FILE.parts/base.h5 (a hard link where possible), and its runs are linked from there.
void ResultStore::convert_to_index_form() {
  const std::filesystem::path base = parts_ / kBaseFileName;
  durable::link_or_copy(file_, base);
  for (RunLocation& location : index_.locations) {
    if (location.stored()) location.file = parts_.filename().string() + "/" + kBaseFileName;
  }
  index_.layout = kLayoutIndex;
  index_.finished_at.clear();
  consolidated_unchanged_ = false;
  // resume() adopts per-run files only beside an index-form FILE, so FILE becomes one before the first
  // run file of this session is written.
  rewrite_index();
  log("resuming consolidated file '" + file_.string() + "': its runs are now linked from '" + base.string() + "'");
}

bool ResultStore::index_rewrite_due() const {
  return std::chrono::steady_clock::now() - last_index_rewrite_ >= options_.index_interval;
}

void ResultStore::rewrite_index() {
  const std::filesystem::path temporary = parts_ / kIndexTemporaryName;
  write_index_file(temporary, index_);
  durable::fsync_file(temporary);
  durable::replace_file(temporary, file_);
  index_dirty_ = false;
  last_index_rewrite_ = std::chrono::steady_clock::now();
}

void ResultStore::consolidate() {
  if (consolidated_unchanged_) {
    // A resumed consolidated file that this session did not change stays as it is.
    std::filesystem::remove_all(parts_);
    return;
  }

  std::size_t stored = 0;
  for (const RunLocation& location : index_.locations) stored += location.stored() ? 1 : 0;
  const std::string no_room = consolidation_room_problem();
  if (!no_room.empty()) {
    // HDF5 can crash (SIGSEGV inside H5Ocopy) when a write fails half way through a copy, so a
    // consolidation that cannot fit is not started. The index form contains every stored run.
    warn(file_.string() + " stays in its index form (it and " + parts_.string() +
        " hold all " + std::to_string(stored) + " stored runs, and every nclab tool reads it): " + no_room +
        ". To consolidate later, make room and run the same command with --resume");
    return;
  }
  log("consolidating " + std::to_string(stored) + " stored runs into '" + file_.string() + "'");

  index_.layout = kLayoutConsolidated;
  index_.finished_at = utc_timestamp();
  const std::filesystem::path temporary = parts_ / kConsolidatedTemporaryName;
  write_consolidated_file(temporary, index_, folder_);
  durable::fsync_file(temporary);
  durable::replace_file(temporary, file_);

  // FILE no longer refers to anything in FILE.parts/, so a failure to remove it loses nothing.
  std::error_code error;
  std::filesystem::remove_all(parts_, error);
  if (error) warn("could not remove '" + parts_.string() + "' after consolidation: " + error.message());
  log("consolidated '" + file_.string() + "'");
}

// The consolidated file is about as large as the per-run files it copies. Returns why it would not fit
// (free space on the file system, or the process's file size limit, RLIMIT_FSIZE), or "" when it fits
// with 10 % and 1 MiB to spare.
std::string ResultStore::consolidation_room_problem() const {
  std::uintmax_t needed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(parts_, error)) {
    const std::uintmax_t size = entry.file_size(error);
    if (!error) needed += size;
  }
  needed = needed + needed / 10 + (std::uintmax_t{1} << 20);
  struct statvfs space {};
  if (::statvfs(folder_.c_str(), &space) == 0) {
    const std::uintmax_t available = static_cast<std::uintmax_t>(space.f_bavail) * space.f_frsize;
    if (available < needed) {
      return "about " + std::to_string(needed >> 20) + " MiB are needed and " + std::to_string(available >> 20) +
             " MiB are free";
    }
  }
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    return "about " + std::to_string(needed >> 10) + " KiB are needed but the file size limit (ulimit -f) is " +
           std::to_string(static_cast<std::uintmax_t>(limit.rlim_cur) >> 10) + " KiB";
  }
  return "";
}

void ResultStore::log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

void ResultStore::warn(const std::string& message) const {
  if (options_.warn) options_.warn(message);
}

}  // namespace nclab
