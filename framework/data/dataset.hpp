#pragma once
// In-memory datasets and the prepared train/test parts that a run trains on.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/matrix.hpp"

namespace nclab {

enum class Task { classification, regression };
std::string to_string(Task task);
// Parses "classification" or "regression". Any other text is an InputError.
Task parse_task(const std::string& text);

enum class MissingPolicy {
  error,   // any missing value is an InputError naming file, line and column (default)
  drop,    // rows with a missing value are removed at load time
  impute,  // missing values become the mean of the training part, per split
};
std::string to_string(MissingPolicy policy);
// Parses "error", "drop" or "impute". Any other text is an InputError.
MissingPolicy parse_missing_policy(const std::string& text);

// Indices of the rows that train and test a run.
struct Split {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
  // Where the split came from, for messages: "fold 3 of 10", "holdout", "predefined".
  std::string name{};
};

// A loaded or generated dataset, before splitting. Missing values (only with MissingPolicy::impute) are
// stored as quiet NaN; any NaN or Inf written in the file itself is rejected when loading.
struct Dataset {
  std::string source;  // file path or "builtin:NAME"
  Task task = Task::regression;
  Matrix inputs;  // N x d
  std::vector<std::string> feature_names;

  // Regression: N x t target values, one name per target column.
  Matrix targets;
  std::vector<std::string> target_names;
  // Classification: labels in 0..K-1, indices into label_names, which is sorted (numerically when every
  // label is a number, otherwise as strings).
  std::vector<int> labels;
  std::vector<std::string> label_names;
  // For error messages: the file line each row came from (1-based), empty for generated data.
  std::vector<std::size_t> source_lines;

  // Rows removed at load time because of missing values (MissingPolicy::drop).
  std::size_t dropped_rows = 0;
  // Notes for the user that the CLI prints, for example how many rows were dropped.
  std::vector<std::string> warnings;

  // Set by datasets with a standard split (Mackey-Glass: t = 118..617 train, 618..1117 test).
  std::optional<Split> predefined_split;

  std::size_t size() const { return inputs.rows(); }
  std::size_t class_count() const { return label_names.size(); }
};

// Per-feature affine map fitted on the training part: x' = (x - mean) / scale.
struct Standardizer {
  std::vector<double> mean;
  std::vector<double> scale;
};

// A dataset split and ready to train on: imputed, standardised, targets encoded.
struct PreparedData {
  Task task = Task::regression;
  Matrix train_inputs, test_inputs;            // standardised
  Matrix train_targets, test_targets;          // regression values, or one-hot rows for classification
  std::vector<int> train_labels, test_labels;  // classification only
  std::vector<std::string> label_names;
  Standardizer standardizer;
  std::vector<std::size_t> train_rows, test_rows;  // indices into the Dataset
  std::vector<std::string> warnings;               // for example constant columns
};

}  // namespace nclab
