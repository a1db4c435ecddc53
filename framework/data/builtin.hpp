#pragma once
// Built-in generated datasets, loaded through load_dataset("builtin:NAME"). Each is deterministic for a
// given GeneratorOptions::seed and needs no files.

#include <string>
#include <string_view>
#include <vector>

#include "framework/data/dataset.hpp"
#include "framework/data/load_options.hpp"

namespace nclab {

inline constexpr std::string_view builtin_prefix = "builtin:";

struct BuiltinDataset {
  std::string name;
  std::string description;  // one line for help text
};

// Every built-in dataset, sorted by name.
const std::vector<BuiltinDataset>& builtin_datasets();

// Generates the built-in dataset `name` (without the "builtin:" prefix). Throws InputError listing the
// known names when `name` is unknown, and when options set something the dataset cannot honour: a
// --target, a task it cannot take, or a generator parameter it does not use.
Dataset generate_builtin(const std::string& name, const LoadOptions& options);

}  // namespace nclab
