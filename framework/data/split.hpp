#pragma once
// Train/test splits of a dataset: holdout, k-fold, and the dataset's predefined split. Random choices
// come from the stream Rng::stream(seed, hash_string("nclab.split"), 0, StreamPurpose::split). It does
// not depend on the run settings, so every run with the same seed gets the same split.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "framework/core/rng.hpp"
#include "framework/data/dataset.hpp"

namespace nclab {

struct SplitOptions {
  std::optional<std::size_t> folds;     // k-fold cross-validation with k >= 2 folds
  std::optional<double> test_fraction;  // one holdout split with this fraction in (0, 1)
  std::uint64_t seed = 1;
};

// Splits off T = round(test_fraction N) rows for testing. Classification is stratified: a class of size
// S gets a test count that differs from S T / N by less than one. Throws InputError when the fraction is
// outside (0, 1) or leaves either part without rows.
Split holdout_split(const Dataset& dataset, double test_fraction, std::uint64_t seed);

// Splits the rows into k folds. Split i tests on fold i and trains on the others. Folds differ in size
// by at most one row. Classification is stratified: each class's count in a fold differs from
// (class size) / k by less than one. Throws InputError for k < 2 or k > N.
std::vector<Split> kfold_splits(const Dataset& dataset, std::size_t folds, std::uint64_t seed);

// Picks the splits the options ask for: k-fold when `folds` is set, holdout when `test_fraction` is
// set, the dataset's predefined split when neither is. Throws InputError when both are set, or when
// neither is and the dataset has no predefined split.
std::vector<Split> make_splits(const Dataset& dataset, const SplitOptions& options);

}  // namespace nclab
