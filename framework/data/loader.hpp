#pragma once
// The entry point for data: a file path, or "builtin:NAME" for a generated dataset.

#include <string>

#include "framework/data/dataset.hpp"
#include "framework/data/load_options.hpp"
#include "framework/data/text_table.hpp"

namespace nclab {

// Loads the dataset named by `spec`: "builtin:NAME" generates a built-in dataset (see builtin.hpp),
// anything else is read as a data file. Throws InputError on every malformed input, naming the file,
// line and column where they apply.
Dataset load_dataset(const std::string& spec, const LoadOptions& options = {});

// Reads a comma- or whitespace-separated data file (see FileFormat) into a Dataset.
Dataset load_data_file(const std::string& path, const LoadOptions& options = {});

// Builds a Dataset from the cells of a file: picks the header, the target column and the task, parses
// the feature cells and applies the missing-value policy. Only options.generator is ignored.
Dataset dataset_from_table(const TextTable& table, const LoadOptions& options);

}  // namespace nclab
