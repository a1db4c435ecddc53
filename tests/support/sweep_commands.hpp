#pragma once
// Helpers shared by the end-to-end tests: the small sweeps they run through the nclab binary and
// checks on what those sweeps leave in their results files.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"

namespace nclab::e2e {

// Options of a small regression sweep: builtin:mackey-glass, 3 folds, 3 members of the default model
// (mlp) with 4 hidden units, 3 epochs. Each run takes a few milliseconds.
std::vector<std::string> small_sweep_options();

// `base` followed by `extra`.
std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& extra);

// Runs `nclab sweep ARGS...` and expects exit status 0.
ProcessResult expect_sweep_succeeds(const std::vector<std::string>& args, const ProcessOptions& options = {});

// One row of /grid of a results file.
struct StoredRun {
  std::string run_id;
  std::string status;  // pending, complete, failed or diverged
  std::map<std::string, std::string> settings;
};

// Reads /grid/run_id, /grid/status and /grid/settings of a results file, in grid order.
std::vector<StoredRun> stored_runs(const std::filesystem::path& file);

// Returns the lines of the /configuration dataset of a results file.
std::vector<std::string> configuration_lines(const std::filesystem::path& file);

}  // namespace nclab::e2e
