// ResultStore::create and ResultStore::resume: path checks, locking, grid comparison and cleanup of
// what a killed session left behind.

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "framework/core/error.hpp"
#include "framework/results/part_files.hpp"
#include "framework/results/result_store.hpp"

namespace nclab {

namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// True when `parts` contains a per-run file (anything but the lock file and temporary files).
bool holds_run_files(const std::filesystem::path& parts) {
  if (!std::filesystem::is_directory(parts)) return false;
  for (const auto& entry : std::filesystem::directory_iterator(parts)) {
    const std::string name = entry.path().filename().string();
    if (name != "lock" && entry.path().extension() != ".tmp") return true;
  }
  return false;
}

// Checks that run ids are distinct and that row r has run index r, which lets the store find a
// record's row from its run index.
void check_grid(const std::vector<GridRun>& grid) {
  std::set<std::string> ids;
  for (std::size_t r = 0; r < grid.size(); ++r) {
    if (!ids.insert(grid[r].run_id).second) {
      throw RuntimeFailure("the sweep grid lists run id '" + grid[r].run_id + "' twice");
    }
    if (grid[r].run_index != r) {
      throw RuntimeFailure("the sweep grid lists run '" + grid[r].run_id + "' at row " + std::to_string(r) +
                           " with run index " + std::to_string(grid[r].run_index) + "; rows must be in run-index order");
    }
  }
}

// Raises InputError when a data file that the stored sweep read has other contents now: the runs still
// to train would otherwise use other data than the stored ones. Files from before data checksums were
// stored (empty `stored`) are not checked.
void check_same_data(const std::filesystem::path& file, const std::string& stored, const std::string& current) {
  if (stored.empty() || stored == current) return;
  std::map<std::string, std::string> now;
  std::istringstream current_lines(current);
  for (std::string path, hash; current_lines >> std::quoted(path) >> hash;) now[path] = hash;
  std::istringstream stored_lines(stored);
  for (std::string path, hash; stored_lines >> std::quoted(path) >> hash;) {
    const auto found = now.find(path);
    if (found != now.end() && found->second == hash) continue;
    throw InputError("cannot resume " + quoted(file) + ": data file '" + path + "' " +
                     (found == now.end() ? "is no longer read by this grid or is missing"
                                         : "has changed since the sweep started (checksum " + hash + ", now " +
                                               found->second + ")") +
                     ". Resume with the original data, or start a new sweep (another --out, or --overwrite)");
  }
}

// Raises InputError unless `file` can be written as a new results file (or, with overwrite, replaced).
void check_output_path(const std::filesystem::path& file, bool overwrite) {
  if (file.empty() || file.filename().empty()) {
    throw InputError("the results path '" + file.string() + "' names no file; pass --out FILE");
  }
  const std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
  if (!std::filesystem::exists(folder)) {
    throw InputError("cannot create results file " + quoted(file) + ": folder " + quoted(folder) +
                     " does not exist. Create the folder or choose another --out path.");
  }
  if (!std::filesystem::is_directory(folder)) {
    throw InputError("cannot create results file " + quoted(file) + ": " + quoted(folder) +
                     " is not a folder. Choose another --out path.");
  }
  if (std::filesystem::is_directory(file)) {
    throw InputError("cannot create results file " + quoted(file) + ": a folder of that name exists. Choose another --out path.");
  }
  if (std::filesystem::exists(file) && !overwrite) {
    throw InputError("results file " + quoted(file) +
                     " already exists. Pass --resume to continue that sweep, --overwrite to replace it, or choose "
                     "another --out path.");
  }
  if (std::filesystem::exists(file)) {
    // --overwrite replaces results, never anything else: `--out data.csv --overwrite` once replaced the
    // training data with a results file.
    try {
      read_sweep_index(file);
    } catch (const InputError&) {
      throw InputError("--overwrite cannot replace " + quoted(file) +
                       ": it is not an nclab results file, and --overwrite replaces only files that nclab wrote. "
                       "Choose another --out path, or remove the file yourself if it is a damaged results file.");
    }
  }
  const std::filesystem::path parts = parts_folder_of(file);
  if (std::filesystem::exists(parts) && !std::filesystem::is_directory(parts)) {
    throw InputError("cannot create results file " + quoted(file) + ": " + quoted(parts) +
                     " exists and is not a folder. Remove it or choose another --out path.");
  }
  if (!std::filesystem::exists(file) && holds_run_files(parts) && !overwrite) {
    throw InputError("folder " + quoted(parts) + " contains per-run files of an earlier sweep but " + quoted(file) +
                     " is missing. Remove the folder, pass --overwrite to discard it, or choose another --out path.");
  }
}

// Creates FILE.parts/ if needed and locks it. Raises InputError when the folder cannot be written or
// another process holds the lock.
durable::FileLock lock_parts_folder(const std::filesystem::path& file) {
  const std::filesystem::path parts = parts_folder_of(file);
  if (::mkdir(parts.c_str(), 0755) != 0 && errno != EEXIST) {
    const int error = errno;
    throw InputError("cannot write results file " + quoted(file) + ": creating folder " + quoted(parts) +
                     " failed: " + std::strerror(error) + ". Choose a writable --out path.");
  }
  std::optional<durable::FileLock> lock;
  try {
    lock = durable::FileLock::try_acquire(parts / "lock");
  } catch (const RuntimeFailure& error) {
    throw InputError("cannot write results file " + quoted(file) + ": " + error.what() + ". Choose a writable --out path.");
  }
  if (!lock) {
    throw InputError("results file " + quoted(file) + " is being written by another nclab process (it has locked " +
                     quoted(parts / "lock") + "). Wait for it to finish or choose another --out path.");
  }
  return std::move(*lock);
}

// Removes everything in FILE.parts/ except the lock file and the names in `keep`.
void clean_parts_folder(const std::filesystem::path& parts, const std::set<std::string>& keep,
                        const std::function<void(const std::string&)>& log) {
  std::vector<std::filesystem::path> leftovers;
  for (const auto& entry : std::filesystem::directory_iterator(parts)) {
    const std::string name = entry.path().filename().string();
    if (name != "lock" && !keep.contains(name)) leftovers.push_back(entry.path());
  }
  for (const auto& path : leftovers) std::filesystem::remove_all(path);
  if (!leftovers.empty() && log) {
    log("removed " + std::to_string(leftovers.size()) + " leftover files from " + quoted(parts));
  }
}

std::string describe_settings_difference(const GridRun& stored, const GridRun& requested) {
  std::map<std::string, std::pair<std::string, std::string>> values;
  for (const auto& [name, value] : stored.settings) values[name].first = value;
  for (const auto& [name, value] : requested.settings) values[name].second = value;
  std::string difference;
  for (const auto& [name, pair] : values) {
    if (pair.first == pair.second) continue;
    if (!difference.empty()) difference += ", ";
    difference += name + " = '" + pair.first + "' in the file, '" + pair.second + "' now";
  }
  return difference.empty() ? "" : " (" + difference + ")";
}

void check_same_grid(const std::filesystem::path& file, const SweepIndex& stored, const std::vector<GridRun>& grid) {
  const std::string fix = " Resume with the options the file was created with (its command line: " +
                          stored.metadata.command_line + "), or pass a new --out file to start a separate sweep.";
  if (stored.grid.size() != grid.size()) {
    throw InputError("cannot resume " + quoted(file) + ": its grid has " + std::to_string(stored.grid.size()) +
                     " runs but this sweep has " + std::to_string(grid.size()) + "." + fix);
  }
  for (std::size_t r = 0; r < grid.size(); ++r) {
    if (stored.grid[r].run_id == grid[r].run_id) {
      if (stored.grid[r].run_index == r) continue;
      throw InputError("cannot resume " + quoted(file) + ": its grid lists run '" + grid[r].run_id + "' at row " +
                       std::to_string(r) + " with run index " + std::to_string(stored.grid[r].run_index) +
                       ", so the file is damaged. Pass a new --out file to start a separate sweep.");
    }
    throw InputError("cannot resume " + quoted(file) + ": its grid differs from this sweep's first at run index " +
                     std::to_string(r) + ", which is run '" + stored.grid[r].run_id + "' in the file but '" +
                     grid[r].run_id + "' now" + describe_settings_difference(stored.grid[r], grid[r]) + "." + fix);
  }
}

}  // namespace

std::unique_ptr<ResultStore> ResultStore::create(const std::filesystem::path& file, const SweepMetadata& metadata,
                                                 std::vector<GridRun> grid, StoreOptions options) {
  check_grid(grid);
  check_output_path(file, options.overwrite);
  durable::FileLock lock = lock_parts_folder(file);

  SweepIndex index;
  index.layout = kLayoutIndex;
  index.metadata = metadata;
  index.started_at = utc_timestamp();
  index.status.assign(grid.size(), StoredStatus::pending);
  index.locations.assign(grid.size(), RunLocation{});
  index.grid = std::move(grid);

  std::unique_ptr<ResultStore> store(new ResultStore(file, std::move(index), std::move(lock), false, std::move(options)));
  // An overwritten sweep's per-run files go before the new index exists: a resume adopts per-run files
  // that its index does not list, and must never adopt a run of the replaced sweep. A kill in between
  // leaves the old FILE with missing run files, whose runs a resume of it would run again.
  clean_parts_folder(store->parts_, {}, store->options_.log);
  store->start_writer(true);
  return store;
}

std::unique_ptr<ResultStore> ResultStore::resume(const std::filesystem::path& file, const SweepMetadata& metadata,
                                                 std::vector<GridRun> grid, StoreOptions options) {
  check_grid(grid);
  if (options.overwrite) {
    throw InputError("--resume and --overwrite exclude each other: resume continues " + quoted(file) +
                     ", overwrite replaces it. Pass one of them.");
  }
  if (!std::filesystem::exists(file)) {
    throw InputError("cannot resume: results file " + quoted(file) +
                     " does not exist. Drop --resume to start a new sweep there.");
  }
  // Lock first, so that no other process rewrites FILE between reading it and resuming it.
  const std::filesystem::path parts = parts_folder_of(file);
  const bool parts_existed = std::filesystem::exists(parts);
  durable::FileLock lock = lock_parts_folder(file);
  SweepIndex index;
  try {
    index = read_sweep_index(file);
    check_same_grid(file, index, grid);
    check_same_data(file, index.metadata.data_checksums, metadata.data_checksums);
  } catch (...) {
    // A rejected resume leaves no FILE.parts/ beside a file that had none (a consolidated file).
    if (!parts_existed) {
      std::error_code ignored;
      std::filesystem::remove_all(parts, ignored);
    }
    throw;
  }

  if (index.metadata.git_commit != metadata.git_commit && options.warn) {
    // Another build may round differently (member lanes, a changed kernel). A warning is enough,
    // because the stored runs stay valid.
    options.warn(quoted(file) + " was started by nclab " + index.metadata.nclab_version + " (commit " +
                index.metadata.git_commit + "), and this is nclab " + metadata.nclab_version + " (commit " +
                metadata.git_commit + "). Runs that the two builds train may differ in their last digits");
  }
  if (index.metadata.openblas_config != metadata.openblas_config && options.warn) {
    // Another OpenBLAS core (OPENBLAS_CORETYPE, another CPU) rounds its products differently.
    options.warn(quoted(file) + " was started with " + index.metadata.openblas_config +
                ", and this process runs " + metadata.openblas_config +
                ". Runs with BLAS-sized layers may differ in their last digits from the stored ones; set "
                "OPENBLAS_CORETYPE to the stored core to avoid that");
  }

  const bool consolidated = index.layout == kLayoutConsolidated;
  // A consolidated FILE contains every run; per-run files beside it are leftovers of its consolidation.
  std::set<std::string> referenced;
  if (!consolidated) referenced = reconcile_part_files(file, index, options.log);
  // Temporary files of a killed session, and a consolidated file's leftover per-run files, go.
  clean_parts_folder(parts, referenced, options.log);

  index.resumed_at.push_back(utc_timestamp());
  index.resume_command_lines.push_back(metadata.command_line);

  std::unique_ptr<ResultStore> store(new ResultStore(file, std::move(index), std::move(lock), consolidated, std::move(options)));
  store->start_writer(!consolidated);
  return store;
}

}  // namespace nclab
