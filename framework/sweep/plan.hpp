#pragma once
// Expansion of parsed options into the runs of a sweep.
//
// Every run setting may take a list, and the grid is their Cartesian product. The expansion walks the
// option table in order, so an option joins a run only where it applies (lambda with ncl, indicator
// with decorrelated, hidden with mlp, ...). Runs with folds get one run per fold. A run id is a stable
// hash of every setting, fold and seed included. Runs that differ only in fold or seed share a grid point.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/cli/command_line.hpp"
#include "framework/cli/option_table.hpp"
#include "framework/core/run_settings.hpp"

namespace nclab {

struct RunSpec {
  std::size_t index = 0;  // position in the grid
  std::string run_id;     // 16 hex digits
  std::string point_id;   // 16 hex digits, settings without seed and fold
  RunSettings settings;   // every applicable run setting, one value each; shares the plan's pool
  std::size_t fold = 0;  // meaningful when settings has "fold"
  std::uint64_t seed = 1;
};

struct SweepPlan {
  std::vector<RunSpec> runs;
  std::size_t grid_points = 0;
  std::size_t repeated_runs = 0;  // runs that a value listed twice would have repeated; each runs once
};

SweepPlan expand_grid(const ParsedOptions& options, const std::vector<OptionSpec>& table);

// 16 lowercase hex digits of a 64-bit FNV-1a hash over "name=value\n" lines in name order.
std::string settings_hash(const std::map<std::string, std::string>& settings);
std::string settings_hash(const RunSettings& settings);

}  // namespace nclab
