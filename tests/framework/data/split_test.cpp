#include "framework/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "framework/data/builtin.hpp"
#include "framework/data/loader.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;

// N rows with labels cycling through the class sizes given, e.g. {60, 30, 10}.
Dataset classification_dataset(const std::vector<std::size_t>& class_sizes) {
  Dataset data;
  data.source = "synthetic";
  data.task = Task::classification;
  for (std::size_t label = 0; label < class_sizes.size(); ++label) {
    data.label_names.push_back(std::to_string(label));
    for (std::size_t i = 0; i < class_sizes[label]; ++i) data.labels.push_back(static_cast<int>(label));
  }
  data.inputs = Matrix(data.labels.size(), 1);
  return data;
}

Dataset regression_dataset(std::size_t rows) {
  Dataset data;
  data.source = "synthetic";
  data.task = Task::regression;
  data.inputs = Matrix(rows, 1);
  data.targets = Matrix(rows, 1);
  return data;
}

std::vector<std::size_t> class_counts(const Dataset& data, const std::vector<std::size_t>& rows) {
  std::vector<std::size_t> counts(data.class_count(), 0);
  for (std::size_t row : rows) ++counts[static_cast<std::size_t>(data.labels[row])];
  return counts;
}

// The message suggests a fold count only when one exists: 1 row allows no cross-validation at all.
TEST(KFold, TooManyFoldsSuggestsAValidCount) {
  try {
    kfold_splits(regression_dataset(5), 8, 1);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("only 5 rows, so use at most 5 folds"), std::string::npos) << error.what();
  }
  try {
    kfold_splits(regression_dataset(1), 2, 1);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("only 1 row, so k-fold cross-validation is impossible"), std::string::npos) << message;
    EXPECT_EQ(message.find("at most 1 folds"), std::string::npos) << message;
  }
}

TEST(KFold, FoldsPartitionTheRows) {
  const Dataset data = classification_dataset({53, 31, 17});
  const std::vector<Split> splits = kfold_splits(data, 7, 3);
  ASSERT_EQ(splits.size(), 7u);

  std::vector<int> times_tested(data.size(), 0);
  for (std::size_t fold = 0; fold < splits.size(); ++fold) {
    const Split& split = splits[fold];
    EXPECT_EQ(split.name, "fold " + std::to_string(fold + 1) + " of 7");
    EXPECT_EQ(split.train.size() + split.test.size(), data.size());
    std::vector<std::size_t> all = split.train;
    all.insert(all.end(), split.test.begin(), split.test.end());
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i) << "fold " << fold;
    for (std::size_t row : split.test) ++times_tested[row];
  }
  for (std::size_t row = 0; row < data.size(); ++row) EXPECT_EQ(times_tested[row], 1) << "row " << row;
}

TEST(KFold, FoldSizesDifferByAtMostOne) {
  const Dataset data = regression_dataset(103);
  const std::vector<Split> splits = kfold_splits(data, 10, 1);
  for (const Split& split : splits) {
    EXPECT_GE(split.test.size(), 10u);
    EXPECT_LE(split.test.size(), 11u);
  }
}

TEST(KFold, StratificationKeepsClassProportions) {
  const std::vector<std::size_t> sizes = {383, 307, 23};
  const Dataset data = classification_dataset(sizes);
  const std::size_t folds = 10;
  for (const Split& split : kfold_splits(data, folds, 11)) {
    const auto counts = class_counts(data, split.test);
    for (std::size_t label = 0; label < sizes.size(); ++label) {
      const double expected = static_cast<double>(sizes[label]) / static_cast<double>(folds);
      EXPECT_LT(std::abs(static_cast<double>(counts[label]) - expected), 1.0)
          << split.name << ", class " << label << ": " << counts[label] << " rows, expected about "
          << expected;
    }
  }
}

TEST(KFold, SameSeedSameSplitOtherSeedOther) {
  const Dataset data = classification_dataset({40, 40});
  const auto first = kfold_splits(data, 5, 42);
  const auto again = kfold_splits(data, 5, 42);
  const auto other = kfold_splits(data, 5, 43);
  bool any_difference = false;
  for (std::size_t fold = 0; fold < 5; ++fold) {
    EXPECT_EQ(first[fold].test, again[fold].test);
    EXPECT_EQ(first[fold].train, again[fold].train);
    any_difference = any_difference || first[fold].test != other[fold].test;
  }
  EXPECT_TRUE(any_difference);
}

TEST(KFold, InvalidFoldCounts) {
  const Dataset data = regression_dataset(5);
  expect_input_error([&] { kfold_splits(data, 1, 1); }, {"fold count 1", "at least 2"});
  expect_input_error([&] { kfold_splits(data, 0, 1); }, {"fold count 0", "at least 2"});
  expect_input_error([&] { kfold_splits(data, 6, 1); }, {"fold count 6", "only 5 rows", "at most 5"});
  EXPECT_EQ(kfold_splits(data, 5, 1).size(), 5u);
}

TEST(Holdout, SizeAndStratification) {
  const std::vector<std::size_t> sizes = {383, 307};
  const Dataset data = classification_dataset(sizes);
  const Split split = holdout_split(data, 0.3, 7);
  EXPECT_EQ(split.name, "holdout");
  EXPECT_EQ(split.test.size(), 207u);  // round(0.3 * 690)
  EXPECT_EQ(split.train.size(), 483u);
  const auto counts = class_counts(data, split.test);
  for (std::size_t label = 0; label < sizes.size(); ++label) {
    EXPECT_LT(std::abs(static_cast<double>(counts[label]) - 0.3 * static_cast<double>(sizes[label])), 1.0)
        << "class " << label;
  }
  std::vector<std::size_t> all = split.train;
  all.insert(all.end(), split.test.begin(), split.test.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i);
}

TEST(Holdout, SameSeedSameSplitOtherSeedOther) {
  const Dataset data = regression_dataset(100);
  EXPECT_EQ(holdout_split(data, 0.2, 1).test, holdout_split(data, 0.2, 1).test);
  EXPECT_NE(holdout_split(data, 0.2, 1).test, holdout_split(data, 0.2, 2).test);
}

TEST(Holdout, FractionOutsideOpenInterval) {
  const Dataset data = regression_dataset(10);
  for (double fraction : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    expect_input_error([&] { holdout_split(data, fraction, 1); }, {"test fraction", "between 0 and 1"});
  }
  expect_input_error([&] { holdout_split(data, 0.01, 1); }, {"no test row"});
  expect_input_error([&] { holdout_split(data, 0.99, 1); }, {"no training row"});
}

TEST(MakeSplits, ChoosesWhatTheOptionsAsk) {
  const Dataset data = regression_dataset(20);
  SplitOptions options;
  options.folds = 4;
  EXPECT_EQ(make_splits(data, options).size(), 4u);

  options = {};
  options.test_fraction = 0.25;
  const auto holdout = make_splits(data, options);
  ASSERT_EQ(holdout.size(), 1u);
  EXPECT_EQ(holdout[0].test.size(), 5u);

  options.folds = 4;
  expect_input_error([&] { make_splits(data, options); }, {"both", "--folds", "--test-fraction"});

  expect_input_error([&] { make_splits(data, SplitOptions{}); }, {"no predefined split", "--folds"});
}

TEST(MakeSplits, PredefinedWhenNothingAsked) {
  const Dataset data = load_dataset("builtin:mackey-glass");
  const auto splits = make_splits(data, SplitOptions{});
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].name, "predefined");
  EXPECT_EQ(splits[0].train.size(), 500u);
  EXPECT_EQ(splits[0].test.size(), 500u);

  SplitOptions folds;
  folds.folds = 5;
  EXPECT_EQ(make_splits(data, folds).size(), 5u);
}

}  // namespace
}  // namespace nclab
