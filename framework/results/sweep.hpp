#pragma once
// What a results file records about the sweep as a whole: its provenance (SweepMetadata), the expanded
// grid (one GridRun per run) and the status of every run.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/log.hpp"
#include "framework/core/run_settings.hpp"
#include "framework/results/run_record.hpp"

namespace nclab {

// Provenance of a sweep, supplied by the caller and stored as attributes of the file's root group.
struct SweepMetadata {
  std::string command_line;     // the command line that started the sweep
  std::string configuration;    // the effective configuration as INI text, after defaults and overrides
  std::string nclab_version;    // e.g. kVersion
  std::string git_commit;       // e.g. kGitCommit
  std::string hdf5_version;     // the HDF5 library in use, e.g. hdf5_library_version()
  std::string openblas_config;  // openblas_get_config()
  std::string host;             // host name of the machine that ran the sweep
  // One line "PATH hash" per data file that the grid reads (FNV-1a of its bytes, 16 hex digits), so that
  // a resume can tell when a data file changed. Empty in files written before this field existed.
  std::string data_checksums;
};

// Fills every SweepMetadata field that the process can find out itself (versions, OpenBLAS
// configuration, host name) around the given command line and configuration text.
SweepMetadata make_sweep_metadata(std::string command_line, std::string configuration);

// The runtime HDF5 library version, "MAJOR.MINOR.RELEASE".
std::string hdf5_library_version();

// utc_timestamp() comes from framework/core/log.hpp.

// One row of the expanded grid.
struct GridRun {
  std::size_t run_index = 0;  // position in the expanded grid
  std::string run_id;         // 16 hex digits, a stable hash of the settings
  std::string point_id;       // hash of the settings without seed and fold
  std::size_t fold = 0;
  std::uint64_t seed = 0;
  RunSettings settings;       // (name, value) text, sorted by name
};

// The status of a grid run in a results file. A run is pending until its record is stored.
enum class StoredStatus { pending, complete, failed, diverged };

std::string to_string(StoredStatus status);
// Parses the text written by to_string(StoredStatus); throws RuntimeFailure on anything else.
StoredStatus parse_stored_status(const std::string& text);
StoredStatus stored_status(RunStatus status);
// Complete and diverged runs are final: a resumed sweep skips them. Failed and pending runs run again.
bool is_final(StoredStatus status);

}  // namespace nclab
