#include "framework/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

std::uint64_t split_stream_key() { return hash_string("nclab.split"); }

// Row indices grouped into strata, each shuffled: one stratum per class for classification, a single
// stratum for regression. Strata are in class order.
std::vector<std::vector<std::size_t>> shuffled_strata(const Dataset& dataset, Rng& rng) {
  std::vector<std::vector<std::size_t>> strata;
  if (dataset.task == Task::classification) {
    strata.resize(dataset.class_count());
    for (std::size_t row = 0; row < dataset.size(); ++row) {
      strata.at(static_cast<std::size_t>(dataset.labels.at(row))).push_back(row);
    }
  } else {
    strata.emplace_back(dataset.size());
    std::iota(strata.front().begin(), strata.front().end(), std::size_t{0});
  }
  for (auto& stratum : strata) rng.shuffle(std::span<std::size_t>(stratum));
  return strata;
}

void sort_split(Split& split) {
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
}

}  // namespace

Split holdout_split(const Dataset& dataset, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction > 0.0 && test_fraction < 1.0)) {
    throw InputError("invalid test fraction " + std::to_string(test_fraction) +
                     ": give a fraction strictly between 0 and 1, for example 0.25");
  }
  const std::size_t n = dataset.size();
  const auto test_count = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(n)));
  if (test_count < 1 || test_count >= n) {
    throw InputError("test fraction " + std::to_string(test_fraction) + " of " + std::to_string(n) +
                     " rows leaves " + (test_count < 1 ? "no test row" : "no training row") +
                     "; choose a fraction that gives both parts at least one row");
  }

  Rng rng = Rng::stream(seed, split_stream_key(), 0, StreamPurpose::split);
  const auto strata = shuffled_strata(dataset, rng);

  // Lay the strata end to end and send position p to the test part when floor((p + 1) T / N) exceeds
  // floor(p T / N). Exactly T positions pass, and a run of S consecutive positions (one stratum) gets
  // within one row of S T / N.
  Split split;
  split.name = "holdout";
  std::size_t position = 0;
  for (const auto& stratum : strata) {
    for (std::size_t row : stratum) {
      const std::size_t before = position * test_count / n;
      const std::size_t after = (position + 1) * test_count / n;
      (after > before ? split.test : split.train).push_back(row);
      ++position;
    }
  }
  sort_split(split);
  return split;
}

std::vector<Split> kfold_splits(const Dataset& dataset, std::size_t folds, std::uint64_t seed) {
  const std::size_t n = dataset.size();
  if (folds < 2) {
    throw InputError("invalid fold count " + std::to_string(folds) +
                     ": k-fold cross-validation needs at least 2 folds");
  }
  if (folds > n) {
    // Cross-validation needs 2 folds, so a dataset of 1 row has no valid fold count to suggest.
    throw InputError("invalid fold count " + std::to_string(folds) + ": the dataset has only " +
                     std::to_string(n) + (n == 1 ? " row" : " rows") + ", so " +
                     (n >= 2 ? "use at most " + std::to_string(n) + " folds"
                             : "k-fold cross-validation is impossible; use --folds 0 with --test-data or a larger "
                               "dataset"));
  }

  Rng rng = Rng::stream(seed, split_stream_key(), 0, StreamPurpose::split);
  const auto strata = shuffled_strata(dataset, rng);

  // Deal the rows to the folds like cards, one stratum after another, continuing the count across
  // strata: fold sizes differ by at most one, and so do a class's counts in different folds.
  std::vector<std::size_t> fold_of(n);
  std::size_t position = 0;
  for (const auto& stratum : strata) {
    for (std::size_t row : stratum) fold_of[row] = position++ % folds;
  }

  std::vector<Split> splits(folds);
  for (std::size_t fold = 0; fold < folds; ++fold) {
    splits[fold].name = "fold " + std::to_string(fold + 1) + " of " + std::to_string(folds);
  }
  for (std::size_t row = 0; row < n; ++row) {
    for (std::size_t fold = 0; fold < folds; ++fold) {
      (fold_of[row] == fold ? splits[fold].test : splits[fold].train).push_back(row);
    }
  }
  return splits;
}

std::vector<Split> make_splits(const Dataset& dataset, const SplitOptions& options) {
  if (options.folds && options.test_fraction) {
    throw InputError(
        "both a fold count and a test fraction were given; choose k-fold cross-validation "
        "(--folds) or a holdout split (--test-fraction), not both");
  }
  if (options.folds) return kfold_splits(dataset, *options.folds, options.seed);
  if (options.test_fraction) return {holdout_split(dataset, *options.test_fraction, options.seed)};
  if (dataset.predefined_split) return {*dataset.predefined_split};
  throw InputError(dataset.source +
                   " has no predefined split; choose k-fold cross-validation with --folds "
                   "or a holdout split with --test-fraction");
}

}  // namespace nclab
