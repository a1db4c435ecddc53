#pragma once
// The per-run files of an index-form results file: FILE.parts/<run_id>.h5 with the run group at /run.
//
// The writer renames a per-run file into place (after an fsync) before the index file lists it, and
// rewrites the index only now and then (StoreOptions::index_interval). After a crash the folder may
// therefore hold complete per-run files that the index does not list, or that hold a newer record than
// the one the index lists (a failed run that ran again). reconcile_part_files() brings the index up to
// date with the folder when a sweep resumes.

#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include "framework/results/sweep_file.hpp"

namespace nclab {

// Path of the run group inside a per-run file.
inline constexpr const char* kPartFileRunObject = "/run";

// FILE.parts, the folder of the per-run files of `file`.
std::filesystem::path parts_folder_of(const std::filesystem::path& file);

// Where the per-run file of `run_id` lives, as an index links to it: the file name relative to the
// folder of the results file ("<FILE name>.parts/<run_id>.h5") and the run group's path.
RunLocation part_file_location(const std::filesystem::path& file, const std::string& run_id);

// Updates `index`, read from the index-form `file`, to what FILE.parts/ holds:
//  - a run whose listed file is missing becomes pending, so that it runs again;
//  - a run that is not final (pending or failed) and has a per-run file takes that file's record.
//    The file is read in full. Its record must have the grid's run id and run index and pass
//    validate_run_record, and the run then gets the file's status and location. A file that fails
//    these checks (truncated, damaged or another run's) is discarded. Its run stays as the index lists
//    it, or becomes pending when the index listed that very file.
// Final runs keep the index's entry without reading their files. Returns the names of the files in
// FILE.parts/ that the updated index refers to; the caller deletes the others. Logs each missing or
// discarded file and the number of adopted runs through `log` (which may be empty).
std::set<std::string> reconcile_part_files(const std::filesystem::path& file, SweepIndex& index,
                                           const std::function<void(const std::string&)>& log);

}  // namespace nclab
