#include "framework/results/sweep_file.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>

#include "framework/core/error.hpp"
#include "framework/results/hdf5_io.hpp"
#include "framework/results/run_io.hpp"

namespace nclab {

namespace {

using hdf5::Handle;

// Rows of /grid/settings that read_grid reads at once.
constexpr std::size_t kGridRowsPerRead = 256;

void write_root_attributes(hid_t file, const SweepIndex& index) {
  hdf5::write_string_attribute(file, "format", kResultsFormat);
  hdf5::write_int64_attribute(file, "format_version", kResultsFormatVersion);
  hdf5::write_string_attribute(file, "layout", index.layout);
  hdf5::write_string_attribute(file, "command_line", index.metadata.command_line);
  hdf5::write_string_attribute(file, "nclab_version", index.metadata.nclab_version);
  hdf5::write_string_attribute(file, "git_commit", index.metadata.git_commit);
  hdf5::write_string_attribute(file, "hdf5_version", index.metadata.hdf5_version);
  hdf5::write_string_attribute(file, "openblas_config", index.metadata.openblas_config);
  hdf5::write_string_attribute(file, "data_checksums", index.metadata.data_checksums);
  hdf5::write_string_attribute(file, "host", index.metadata.host);
  hdf5::write_string_attribute(file, "started_at", index.started_at);
  if (!index.finished_at.empty()) hdf5::write_string_attribute(file, "finished_at", index.finished_at);
  if (!index.resumed_at.empty()) {
    hdf5::write_string_array_attribute(file, "resumed_at", index.resumed_at);
    hdf5::write_string_array_attribute(file, "resume_command_lines", index.resume_command_lines);
  }
}

// Writes /grid. The string datasets are written a block of rows at a time, because the settings
// table alone has R x S strings (25,000 for 1,000 runs of 25 settings).
void write_grid(hid_t file, const SweepIndex& index) {
  const std::size_t run_count = index.grid.size();
  std::set<std::string> name_set;
  for (const GridRun& run : index.grid) {
    for (const auto& setting : run.settings) name_set.insert(setting.first);
  }
  const std::vector<std::string> setting_names(name_set.begin(), name_set.end());
  std::map<std::string, std::size_t, std::less<>> column_of;
  for (std::size_t c = 0; c < setting_names.size(); ++c) column_of[setting_names[c]] = c;

  std::vector<std::uint64_t> run_index(run_count), fold(run_count), seed(run_count);
  for (std::size_t r = 0; r < run_count; ++r) {
    run_index[r] = index.grid[r].run_index;
    fold[r] = index.grid[r].fold;
    seed[r] = index.grid[r].seed;
  }

  Handle grid = hdf5::create_group(file, "grid");
  hdf5::write_uint64s(grid.get(), "run_index", run_index);
  hdf5::write_string_rows(grid.get(), "run_id", {run_count},
                          [&](std::size_t r, std::vector<std::string>& row) { row[0] = index.grid[r].run_id; });
  hdf5::write_string_rows(grid.get(), "point_id", {run_count},
                          [&](std::size_t r, std::vector<std::string>& row) { row[0] = index.grid[r].point_id; });
  hdf5::write_uint64s(grid.get(), "fold", fold);
  hdf5::write_uint64s(grid.get(), "seed", seed);
  hdf5::write_string_rows(grid.get(), "status", {run_count},
                          [&](std::size_t r, std::vector<std::string>& row) { row[0] = to_string(index.status[r]); });
  hdf5::write_strings(grid.get(), "setting_names", setting_names, {setting_names.size()});
  hdf5::write_string_rows(grid.get(), "settings", {run_count, setting_names.size()},
                          [&](std::size_t r, std::vector<std::string>& row) {
                            for (const auto& [name, value] : index.grid[r].settings) row[column_of.find(name)->second] = value;
                          });
}

void write_header(hid_t file, const SweepIndex& index) {
  if (index.status.size() != index.grid.size() || index.locations.size() != index.grid.size()) {
    throw RuntimeFailure("sweep index with " + std::to_string(index.grid.size()) + " grid rows has " +
                         std::to_string(index.status.size()) + " statuses and " +
                         std::to_string(index.locations.size()) + " locations");
  }
  write_root_attributes(file, index);
  hdf5::write_string_scalar(file, "configuration", index.metadata.configuration);
  write_grid(file, index);
}

std::string optional_string_attribute(hid_t object, const std::string& name) {
  return hdf5::attribute_exists(object, name) ? hdf5::read_string_attribute(object, name) : std::string();
}

void read_grid(hid_t file, SweepIndex& index) {
  Handle grid = hdf5::open_group(file, "grid");
  const std::vector<std::uint64_t> run_index = hdf5::read_uint64s(grid.get(), "run_index");
  const std::vector<std::string> run_id = hdf5::read_strings(grid.get(), "run_id");
  const std::vector<std::string> point_id = hdf5::read_strings(grid.get(), "point_id");
  const std::vector<std::uint64_t> fold = hdf5::read_uint64s(grid.get(), "fold");
  const std::vector<std::uint64_t> seed = hdf5::read_uint64s(grid.get(), "seed");
  const std::vector<std::string> status = hdf5::read_strings(grid.get(), "status");
  const std::vector<std::string> setting_names = hdf5::read_strings(grid.get(), "setting_names");
  const hdf5::Shape settings_shape = hdf5::dataset_shape(grid.get(), "settings");

  const std::size_t run_count = run_index.size();
  const std::size_t name_count = setting_names.size();
  const bool settings_fit = settings_shape.size() == 2 ? settings_shape[0] == run_count && settings_shape[1] == name_count
                                                       : run_count * name_count == 0;
  if (run_id.size() != run_count || point_id.size() != run_count || fold.size() != run_count ||
      seed.size() != run_count || status.size() != run_count || !settings_fit) {
    throw RuntimeFailure("the grid datasets in " + hdf5::describe(grid.get()) + " have different lengths");
  }

  // The settings table is read a block of rows at a time, and the runs share one pool of settings.
  const auto pool = std::make_shared<SettingPool>();
  std::vector<std::string> settings;
  std::vector<Setting> run_settings;
  index.grid.reserve(run_count);
  index.status.reserve(run_count);
  for (std::size_t r = 0; r < run_count; ++r) {
    if (name_count > 0 && r % kGridRowsPerRead == 0) {
      settings = hdf5::read_string_rows(grid.get(), "settings", r, std::min(kGridRowsPerRead, run_count - r));
    }
    run_settings.clear();
    for (std::size_t c = 0; c < name_count; ++c) {
      const std::string& value = settings[(r % kGridRowsPerRead) * name_count + c];
      if (!value.empty()) run_settings.emplace_back(setting_names[c], value);
    }

    GridRun run;
    run.run_index = run_index[r];
    run.run_id = run_id[r];
    run.point_id = point_id[r];
    run.fold = fold[r];
    run.seed = seed[r];
    run.settings = RunSettings(pool, run_settings);
    index.grid.push_back(std::move(run));
    index.status.push_back(parse_stored_status(status[r]));
  }
}

RunLocation read_location(hid_t runs, const std::string& name) {
  const std::string object = hdf5::describe(runs, name);
  H5L_info_t info;
  hdf5::check(H5Lget_info(runs, name.c_str(), &info, H5P_DEFAULT), "H5Lget_info", object);
  if (info.type == H5L_TYPE_HARD) return {"", "/runs/" + name};
  if (info.type != H5L_TYPE_EXTERNAL) throw RuntimeFailure("unexpected link type at " + object);

  std::vector<char> value(info.u.val_size);
  hdf5::check(H5Lget_val(runs, name.c_str(), value.data(), value.size(), H5P_DEFAULT), "H5Lget_val", object);
  unsigned flags = 0;
  const char* file_name = nullptr;
  const char* object_path = nullptr;
  hdf5::check(H5Lunpack_elink_val(value.data(), value.size(), &flags, &file_name, &object_path),
              "H5Lunpack_elink_val", object);
  return {file_name, object_path};
}

// Checks `file` with H5Fis_accessible (H5Fis_hdf5 before HDF5 1.12). Returns a positive value when it
// has an HDF5 signature, 0 when it has none and a negative value when it cannot be read. Clears the
// HDF5 error stack that the check leaves.
htri_t probe_hdf5_signature(const std::filesystem::path& file) {
#if H5_VERSION_GE(1, 12, 0)
  const htri_t result = H5Fis_accessible(file.c_str(), H5P_DEFAULT);
#else
  const htri_t result = H5Fis_hdf5(file.c_str());
#endif
  hdf5::take_error_stack();
  return result;
}

// Opens a results file that the user named, read-only. Each failure becomes a one-line InputError
// that names the file and the reason. The HDF5 error stack stays out of it because, for a file that is
// not HDF5, it adds nothing to "not an HDF5 file", and for a damaged file its root cause is enough.
Handle open_results_file(const std::filesystem::path& file) {
  const std::string name = "'" + file.string() + "'";
  const std::string fix = ". Pass the HDF5 file that `nclab sweep --out` or `nclab train --out` wrote";
  if (!std::filesystem::exists(file)) throw InputError("results file " + name + " does not exist");
  if (std::filesystem::is_directory(file)) throw InputError("results file " + name + " is a folder, not a file" + fix);
  // Opening a FIFO would block until another process writes to it.
  if (!std::filesystem::is_regular_file(file)) {
    throw InputError("results file " + name + " is not a regular file (a FIFO, socket or device)" + fix);
  }
  std::error_code size_error;
  if (std::filesystem::file_size(file, size_error) == 0 && !size_error) {
    throw InputError("results file " + name + " is empty, so it is not an HDF5 file" + fix);
  }
  try {
    return hdf5::open_file_read_only(file);
  } catch (const hdf5::Hdf5Error& error) {
    if (probe_hdf5_signature(file) == 0) {
      throw InputError("results file " + name + " is not an HDF5 file (it has no HDF5 signature)" + fix);
    }
    const std::string cause = error.root_cause().empty() ? "H5Fopen failed" : error.root_cause();
    throw InputError("cannot open results file " + name + ": HDF5 reports '" + cause +
                     "'. The file may be unreadable, truncated or damaged, or another program may hold it locked");
  }
}

}  // namespace

SweepIndex read_sweep_index(const std::filesystem::path& file) {
  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::silence_automatic_error_printing();
  Handle handle = open_results_file(file);
  const hid_t root = handle.get();
  if (!hdf5::attribute_exists(root, "format") || hdf5::read_string_attribute(root, "format") != kResultsFormat) {
    throw InputError("'" + file.string() + "' is an HDF5 file but not an nclab results file (no root attribute format = '" +
                     kResultsFormat + "')");
  }
  const std::int64_t version = hdf5::read_int64_attribute(root, "format_version");
  if (version > kResultsFormatVersion) {
    throw InputError("'" + file.string() + "' uses results format version " + std::to_string(version) +
                     ", newer than the " + std::to_string(kResultsFormatVersion) +
                     " this nclab reads; use a newer nclab");
  }

  SweepIndex index;
  index.layout = hdf5::read_string_attribute(root, "layout");
  index.metadata.command_line = hdf5::read_string_attribute(root, "command_line");
  index.metadata.nclab_version = hdf5::read_string_attribute(root, "nclab_version");
  index.metadata.git_commit = hdf5::read_string_attribute(root, "git_commit");
  index.metadata.hdf5_version = hdf5::read_string_attribute(root, "hdf5_version");
  index.metadata.openblas_config = hdf5::read_string_attribute(root, "openblas_config");
  if (hdf5::attribute_exists(root, "data_checksums")) {
    index.metadata.data_checksums = hdf5::read_string_attribute(root, "data_checksums");
  }
  index.metadata.host = hdf5::read_string_attribute(root, "host");
  index.metadata.configuration = hdf5::read_string_scalar(root, "configuration");
  index.started_at = hdf5::read_string_attribute(root, "started_at");
  index.finished_at = optional_string_attribute(root, "finished_at");
  if (hdf5::attribute_exists(root, "resumed_at")) {
    index.resumed_at = hdf5::read_string_array_attribute(root, "resumed_at");
    index.resume_command_lines = hdf5::read_string_array_attribute(root, "resume_command_lines");
  }
  read_grid(root, index);

  index.locations.resize(index.grid.size());
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < index.grid.size(); ++r) row_of[index.grid[r].run_id] = r;
  Handle runs = hdf5::open_group(root, "runs");
  for (const std::string& name : hdf5::link_names(runs.get())) {
    const auto row = row_of.find(name);
    if (row == row_of.end()) {
      throw RuntimeFailure("run group " + hdf5::describe(runs.get(), name) + " is not in the file's grid");
    }
    index.locations[row->second] = read_location(runs.get(), name);
  }
  handle.close();
  return index;
}

void write_index_file(const std::filesystem::path& target, const SweepIndex& index) {
  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::silence_automatic_error_printing();
  Handle file = hdf5::create_file(target, hdf5::MetadataCache::small);
  write_header(file.get(), index);

  Handle runs = hdf5::create_group(file.get(), "runs");
  for (std::size_t r = 0; r < index.grid.size(); ++r) {
    const RunLocation& location = index.locations[r];
    if (!location.stored()) continue;
    const std::string& name = index.grid[r].run_id;
    hdf5::check(H5Lcreate_external(location.file.c_str(), location.object.c_str(), runs.get(), name.c_str(),
                                   H5P_DEFAULT, H5P_DEFAULT),
                "H5Lcreate_external", hdf5::describe(runs.get(), name));
  }
  runs.close();
  file.close();
}

void write_consolidated_file(const std::filesystem::path& target, const SweepIndex& index,
                             const std::filesystem::path& results_folder) {
  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::silence_automatic_error_printing();
  Handle file = hdf5::create_file(target, hdf5::MetadataCache::small);
  write_header(file.get(), index);

  // One source file is open at a time, because an open HDF5 file keeps about a megabyte of metadata
  // cache, too much to keep per run. Runs copied from a previously consolidated file share one source, which
  // stays open across consecutive runs.
  std::string source_name;
  Handle source;
  Handle runs = hdf5::create_group(file.get(), "runs");
  for (std::size_t r = 0; r < index.grid.size(); ++r) {
    const RunLocation& location = index.locations[r];
    if (!location.stored()) continue;
    if (location.file.empty()) {
      throw RuntimeFailure("run '" + index.grid[r].run_id + "' has no source file to consolidate from");
    }
    if (!source.valid() || source_name != location.file) {
      source.close();
      source = hdf5::open_file_read_only(results_folder / location.file);
      source_name = location.file;
    }
    const std::string& name = index.grid[r].run_id;
    hdf5::check(H5Ocopy(source.get(), location.object.c_str(), runs.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                "H5Ocopy", hdf5::describe(source.get(), location.object) + " to " + hdf5::describe(runs.get(), name));
    // HDF5 1.10.8 keeps about 80 KB per copied run until the target file closes, so a consolidation
    // that kept the file open would need memory in proportion to the runs. Reopening after every run
    // did not slow consolidation down (1.2 s against 1.3 s for 1,000 runs with reopening after 8).
    runs.close();
    file.close();
    file = hdf5::open_file_read_write(target, hdf5::MetadataCache::small);
    runs = hdf5::open_group(file.get(), "runs");
  }
  source.close();
  runs.close();
  file.close();
}

RunRecord read_run(const std::filesystem::path& file, const std::string& run_id) {
  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::silence_automatic_error_printing();
  Handle handle = open_results_file(file);
  Handle runs = hdf5::open_group(handle.get(), "runs");
  if (!hdf5::link_exists(runs.get(), run_id)) {
    throw InputError("results file '" + file.string() + "' has no stored run '" + run_id + "'");
  }
  Handle group = hdf5::open_group(runs.get(), run_id);
  RunRecord record = read_run_group(group.get());
  group.close();
  runs.close();
  handle.close();
  return record;
}

RunRecord read_run_group_at(const std::filesystem::path& file, const std::string& object) {
  std::lock_guard lock(hdf5::hdf5_mutex());
  hdf5::silence_automatic_error_printing();
  if (!std::filesystem::exists(file)) throw InputError("file '" + file.string() + "' does not exist");
  Handle handle = hdf5::open_file_read_only(file);
  Handle group = hdf5::open_group(handle.get(), object);
  RunRecord record = read_run_group(group.get());
  group.close();
  handle.close();
  return record;
}

}  // namespace nclab
