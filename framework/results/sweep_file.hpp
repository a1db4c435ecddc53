#pragma once
// The results file outside its run groups: provenance attributes, configuration, grid and run status,
// in both forms the file takes (see docs/hdf5-schema.md):
//  - index: written during a sweep; /runs/<run_id> are external links to small per-run files;
//  - consolidated: written when a sweep finishes; /runs/<run_id> are groups inside the file.

#include <filesystem>
#include <string>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/results/sweep.hpp"

namespace nclab {

inline constexpr const char* kResultsFormat = "nclab-results";
inline constexpr std::int64_t kResultsFormatVersion = 1;
inline constexpr const char* kLayoutIndex = "index";
inline constexpr const char* kLayoutConsolidated = "consolidated";

// Location of a stored run group.
struct RunLocation {
  // File name relative to the results file's folder; empty for a group inside the results file.
  std::string file;
  // Path of the run group inside that file; empty while no group is stored for the run.
  std::string object;

  bool stored() const { return !object.empty(); }
};

// Everything a results file stores except the run groups themselves.
struct SweepIndex {
  std::string layout;  // kLayoutIndex or kLayoutConsolidated
  SweepMetadata metadata;
  std::string started_at;                         // ISO 8601 UTC, first session
  std::string finished_at;                        // ISO 8601 UTC; empty in the index form
  std::vector<std::string> resumed_at;            // ISO 8601 UTC, one per resumed session
  std::vector<std::string> resume_command_lines;  // one per resumed session
  std::vector<GridRun> grid;
  std::vector<StoredStatus> status;      // one per grid row
  std::vector<RunLocation> locations;    // one per grid row
};

// Reads a results file in either form. Throws InputError when the file is missing or is not an nclab
// results file, RuntimeFailure (Hdf5Error) when reading fails.
SweepIndex read_sweep_index(const std::filesystem::path& file);

// Writes `index` as an index-form file at `target` (truncating it): every stored run becomes an
// external link /runs/<run_id> to `location.file`:`location.object`.
void write_index_file(const std::filesystem::path& target, const SweepIndex& index);

// Writes a consolidated file at `target` (truncating it): every stored run group is copied from
// `results_folder`/`location.file` into /runs/<run_id>.
void write_consolidated_file(const std::filesystem::path& target, const SweepIndex& index,
                             const std::filesystem::path& results_folder);

// Reads the run group of `run_id` from a results file in either form. Throws InputError when the file
// or the run is missing.
RunRecord read_run(const std::filesystem::path& file, const std::string& run_id);

// Reads the run group at path `object` of an HDF5 file, such as "/run" of a per-run file. Throws
// InputError when the file is missing, Hdf5Error when it is not an HDF5 file or the group is missing
// or damaged.
RunRecord read_run_group_at(const std::filesystem::path& file, const std::string& object);

}  // namespace nclab
