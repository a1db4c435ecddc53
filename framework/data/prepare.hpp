#pragma once
// Turning a Dataset and one Split into the standardised, encoded parts that a run trains and tests on.

#include "framework/data/dataset.hpp"

namespace nclab {

struct PrepareOptions {
  // For models that reconstruct their input (autoencoders): the targets are the standardised inputs
  // and the prepared task is regression, even for a classification dataset.
  bool reconstruct_inputs = false;
};

// Builds the train and test parts of `split`:
//   1. For classification without reconstruct_inputs, every test class must occur in training (else
//      InputError, see check_test_labels_seen).
//   2. Missing inputs (NaN, present only with MissingPolicy::impute) become the training part's column
//      means, in both parts.
//   3. Inputs are standardised with the mean and population standard deviation of the training part
//      only. A column that is constant in training gets scale 1 and a warning naming it.
//   4. Targets become one-hot rows over all K classes (classification), the target values (regression),
//      or the standardised inputs (options.reconstruct_inputs).
// Throws InputError when a column to impute has no value in the training part, and
// std::invalid_argument when the split has no training row, a row index out of range, or a row in
// both parts.
PreparedData prepare(const Dataset& dataset, const Split& split, const PrepareOptions& options = {});

}  // namespace nclab
