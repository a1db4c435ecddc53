#pragma once
// Synthetic datasets, member factories and record comparisons for the ensemble tests.

#include <cstddef>
#include <cstdint>
#include <string>

#include "framework/data/dataset.hpp"
#include "framework/ensemble/trainer.hpp"
#include "framework/results/run_record.hpp"

namespace nclab::testing {

// Regression: targets t_k = sin(x . a_k) + 0.1 noise with standard normal inputs, so a linear model fits
// them only partly and members keep distinct errors.
PreparedData make_regression_data(std::size_t train_rows, std::size_t test_rows, std::size_t inputs,
                                  std::size_t outputs, std::uint64_t seed);

// Classification: `classes` Gaussian blobs in `inputs` dimensions with overlapping spread, labels and
// one-hot targets.
PreparedData make_classification_data(std::size_t train_rows, std::size_t test_rows, std::size_t inputs,
                                      std::size_t classes, std::uint64_t seed);

// Returns a factory of LinearModel members sized for `data`, with softmax outputs for classification.
MemberFactory linear_members(const PreparedData& data);

// Expects every number of two records to have the same bits (NaN included). The coefficient column is
// compared only when compare_coefficient is true.
void expect_identical_records(const RunRecord& a, const RunRecord& b, bool compare_coefficient = true);

// True when a and b have the same bits.
bool same_bits(double a, double b);

}  // namespace nclab::testing
