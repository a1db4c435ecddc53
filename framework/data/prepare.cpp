#include "framework/data/prepare.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "framework/core/error.hpp"
#include "framework/data/cell.hpp"
#include "framework/data/label_table.hpp"
#include "framework/data/standardizer.hpp"

namespace nclab {
namespace {

std::string split_name(const Split& split) { return split.name.empty() ? "the split" : split.name; }

std::string feature_name(const Dataset& dataset, std::size_t column) {
  if (column < dataset.feature_names.size()) return dataset.feature_names[column];
  return "column " + std::to_string(column + 1);
}

void check_split_rows(const Dataset& dataset, const Split& split) {
  if (split.train.empty())
    throw std::invalid_argument("prepare: " + split_name(split) + " has no training row");
  std::vector<char> in_train(dataset.size(), 0);
  for (std::size_t row : split.train) {
    if (row >= dataset.size()) {
      throw std::invalid_argument("prepare: training row " + std::to_string(row) + " of " +
                                  split_name(split) + " is outside a dataset of " +
                                  std::to_string(dataset.size()) + " rows");
    }
    in_train[row] = 1;
  }
  for (std::size_t row : split.test) {
    if (row >= dataset.size()) {
      throw std::invalid_argument("prepare: test row " + std::to_string(row) + " of " + split_name(split) +
                                  " is outside a dataset of " + std::to_string(dataset.size()) + " rows");
    }
    if (in_train[row]) {
      throw std::invalid_argument("prepare: row " + std::to_string(row) + " is in both parts of " +
                                  split_name(split));
    }
  }
}

std::size_t count_missing(ConstMatrixView data) {
  std::size_t count = 0;
  for (std::size_t r = 0; r < data.rows; ++r) {
    for (double value : data.row(r)) count += std::isnan(value) ? 1 : 0;
  }
  return count;
}

// Fills NaN cells of both parts with the training means and records how many were filled.
void impute_with_training_means(const Dataset& dataset, const Split& split, PreparedData& prepared) {
  const std::size_t missing_train = count_missing(prepared.train_inputs);
  const std::size_t missing_test = count_missing(prepared.test_inputs);
  if (missing_train + missing_test == 0) return;

  const std::vector<double> means = column_means(prepared.train_inputs);
  // The training part has rows, so a NaN mean means that every training cell of the column is missing.
  for (std::size_t c = 0; c < means.size(); ++c) {
    if (!std::isnan(means[c])) continue;
    throw InputError("feature '" + feature_name(dataset, c) + "' has no value in the training part of " +
                     split_name(split) +
                     ", so its missing values cannot be imputed; pass --missing drop, "
                     "or remove the column");
  }

  impute_missing(prepared.train_inputs, means);
  impute_missing(prepared.test_inputs, means);
  prepared.warnings.push_back("imputed " + std::to_string(missing_train) +
                              " missing values in the training part and " + std::to_string(missing_test) +
                              " in the test part of " + split_name(split) + " with the training means");
}

Matrix one_hot(const std::vector<int>& labels, std::size_t classes) {
  Matrix encoded(labels.size(), classes, 0.0);
  for (std::size_t row = 0; row < labels.size(); ++row)
    encoded(row, static_cast<std::size_t>(labels[row])) = 1.0;
  return encoded;
}

std::vector<int> gather_labels(const std::vector<int>& labels, const std::vector<std::size_t>& rows) {
  std::vector<int> gathered;
  gathered.reserve(rows.size());
  for (std::size_t row : rows) gathered.push_back(labels.at(row));
  return gathered;
}

}  // namespace

PreparedData prepare(const Dataset& dataset, const Split& split, const PrepareOptions& options) {
  check_split_rows(dataset, split);
  // A reconstruction is a regression on the inputs whatever the target column holds, so its classes
  // neither need to occur in training nor become labels.
  const bool classification = dataset.task == Task::classification && !options.reconstruct_inputs;
  if (classification) check_test_labels_seen(dataset, split);

  PreparedData prepared;
  prepared.task = classification ? Task::classification : Task::regression;
  prepared.train_rows = split.train;
  prepared.test_rows = split.test;
  prepared.train_inputs = gather_rows(dataset.inputs, split.train);
  prepared.test_inputs = gather_rows(dataset.inputs, split.test);

  impute_with_training_means(dataset, split, prepared);

  prepared.standardizer = fit_standardizer(prepared.train_inputs);
  for (std::size_t c : constant_columns(prepared.train_inputs)) {
    prepared.warnings.push_back("feature '" + feature_name(dataset, c) +
                                "' is constant in the training part of " + split_name(split) +
                                " (every value is " + format_number(prepared.train_inputs(0, c)) +
                                "); it gets scale 1, so it is centred but not scaled");
  }
  standardize(prepared.standardizer, prepared.train_inputs);
  standardize(prepared.standardizer, prepared.test_inputs);

  if (classification) {
    prepared.label_names = dataset.label_names;
    prepared.train_labels = gather_labels(dataset.labels, split.train);
    prepared.test_labels = gather_labels(dataset.labels, split.test);
  }

  if (options.reconstruct_inputs) {
    prepared.train_targets = prepared.train_inputs;
    prepared.test_targets = prepared.test_inputs;
  } else if (classification) {
    prepared.train_targets = one_hot(prepared.train_labels, dataset.class_count());
    prepared.test_targets = one_hot(prepared.test_labels, dataset.class_count());
  } else {
    prepared.train_targets = gather_rows(dataset.targets, split.train);
    prepared.test_targets = gather_rows(dataset.targets, split.test);
  }
  return prepared;
}

}  // namespace nclab
