#include "framework/results/part_files.hpp"

#include <exception>

#include "framework/core/error.hpp"
#include "framework/results/run_io.hpp"

namespace nclab {

namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// Reads the per-run file at `path` and checks that it contains a valid record of grid row `run`.
// Returns the record's status, or throws with the reason the file cannot be adopted.
StoredStatus check_part_file(const std::filesystem::path& path, const GridRun& run) {
  const RunRecord record = read_run_group_at(path, kPartFileRunObject);
  if (record.run_id != run.run_id || record.run_index != run.run_index) {
    throw RuntimeFailure("it contains run '" + record.run_id + "' at run index " + std::to_string(record.run_index) +
                         ", not run '" + run.run_id + "' at run index " + std::to_string(run.run_index));
  }
  validate_run_record(record);
  return stored_status(record.status);
}

}  // namespace

std::filesystem::path parts_folder_of(const std::filesystem::path& file) {
  std::filesystem::path parts = file;
  parts += ".parts";
  return parts;
}

RunLocation part_file_location(const std::filesystem::path& file, const std::string& run_id) {
  return {parts_folder_of(file).filename().string() + "/" + run_id + ".h5", kPartFileRunObject};
}

std::set<std::string> reconcile_part_files(const std::filesystem::path& file, SweepIndex& index,
                                           const std::function<void(const std::string&)>& log) {
  const std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
  const auto report = [&](const std::string& message) {
    if (log) log(message);
  };

  std::set<std::string> referenced;
  std::size_t adopted = 0;
  for (std::size_t r = 0; r < index.grid.size(); ++r) {
    const GridRun& run = index.grid[r];
    RunLocation& location = index.locations[r];
    if (location.stored() && !std::filesystem::exists(folder / location.file)) {
      report("run '" + run.run_id + "' is listed in " + quoted(file) + " but its file " +
             quoted(folder / location.file) + " is missing; it will run again");
      location = RunLocation{};
      index.status[r] = StoredStatus::pending;
    }

    const RunLocation part = part_file_location(file, run.run_id);
    const std::filesystem::path part_path = folder / part.file;
    if (!is_final(index.status[r]) && std::filesystem::is_regular_file(part_path)) {
      try {
        const StoredStatus status = check_part_file(part_path, run);
        // A listed failed record in the same file is the same record, so only new ones count.
        if (location.file != part.file || index.status[r] != status) ++adopted;
        index.status[r] = status;
        location = part;
      } catch (const std::exception& error) {
        report("discarding per-run file " + quoted(part_path) + " of run '" + run.run_id +
               "': " + error.what() + "; the run will run again");
        if (location.file == part.file) {
          location = RunLocation{};
          index.status[r] = StoredStatus::pending;
        }
      }
    }
    if (location.stored()) referenced.insert(std::filesystem::path(location.file).filename().string());
  }
  if (adopted > 0) {
    report("adopted " + std::to_string(adopted) + " runs from per-run files in " + quoted(parts_folder_of(file)) +
           " that " + quoted(file) + " did not list yet");
  }
  return referenced;
}

}  // namespace nclab
