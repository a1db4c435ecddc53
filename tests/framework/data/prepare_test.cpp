#include "framework/data/prepare.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "framework/data/standardizer.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;

Dataset regression_dataset(const std::vector<std::vector<double>>& rows, const std::vector<double>& targets) {
  Dataset data;
  data.source = "table";
  data.task = Task::regression;
  data.inputs = Matrix(rows.size(), rows.front().size());
  data.targets = Matrix(rows.size(), 1);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) data.inputs(r, c) = rows[r][c];
    data.targets(r, 0) = targets[r];
  }
  for (std::size_t c = 0; c < rows.front().size(); ++c)
    data.feature_names.push_back("f" + std::to_string(c + 1));
  return data;
}

TEST(Prepare, StandardisesWithTrainingStatisticsOnly) {
  // Training column: 1, 2, 3 (mean 2, population sd sqrt(2/3)). The test row 1000 would move both
  // statistics far away if it leaked into the fit.
  const Dataset data = regression_dataset({{1}, {2}, {3}, {1000}}, {0, 1, 2, 3});
  const PreparedData prepared = prepare(data, Split{{0, 1, 2}, {3}, "holdout"});

  const double sd = std::sqrt(2.0 / 3.0);
  EXPECT_DOUBLE_EQ(prepared.standardizer.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(prepared.standardizer.scale[0], sd);
  EXPECT_DOUBLE_EQ(prepared.train_inputs(0, 0), -1.0 / sd);
  EXPECT_DOUBLE_EQ(prepared.train_inputs(1, 0), 0.0);
  EXPECT_DOUBLE_EQ(prepared.test_inputs(0, 0), 998.0 / sd);
}

TEST(Prepare, TrainingPartHasZeroMeanUnitDeviation) {
  const Dataset data = regression_dataset({{1, 10}, {4, 30}, {2, 20}, {7, 90}, {5, 50}}, {0, 0, 0, 0, 0});
  const PreparedData prepared = prepare(data, Split{{0, 1, 2, 4}, {3}, "holdout"});
  for (std::size_t c = 0; c < 2; ++c) {
    double sum = 0.0;
    double squares = 0.0;
    for (std::size_t r = 0; r < prepared.train_inputs.rows(); ++r) {
      sum += prepared.train_inputs(r, c);
      squares += prepared.train_inputs(r, c) * prepared.train_inputs(r, c);
    }
    EXPECT_NEAR(sum / 4.0, 0.0, 1e-12) << "column " << c;
    EXPECT_NEAR(squares / 4.0, 1.0, 1e-12) << "column " << c;
  }
}

TEST(Prepare, ConstantColumnGetsScaleOneAndWarning) {
  const Dataset data = regression_dataset({{5, 1}, {5, 2}, {5, 3}, {9, 4}}, {0, 1, 2, 3});
  const PreparedData prepared = prepare(data, Split{{0, 1, 2}, {3}, "fold 2 of 4"});
  EXPECT_EQ(prepared.standardizer.scale[0], 1.0);
  EXPECT_EQ(prepared.train_inputs(0, 0), 0.0);
  EXPECT_EQ(prepared.test_inputs(0, 0), 4.0);
  ASSERT_EQ(prepared.warnings.size(), 1u);
  EXPECT_NE(prepared.warnings[0].find("feature 'f1' is constant"), std::string::npos) << prepared.warnings[0];
  EXPECT_NE(prepared.warnings[0].find("fold 2 of 4"), std::string::npos) << prepared.warnings[0];
}

TEST(Prepare, ConstantColumnFromRoundingIsExact) {
  // 0.1 three times has a mean that is not exactly 0.1, so a sd test would see a tiny non-zero spread.
  Matrix column(3, 1, 0.1);
  const Standardizer standardizer = fit_standardizer(column);
  EXPECT_EQ(standardizer.scale[0], 1.0);
}

TEST(Prepare, RegressionTargetsAreValues) {
  const Dataset data = regression_dataset({{1}, {2}, {3}, {4}}, {10, 20, 30, 40});
  const PreparedData prepared = prepare(data, Split{{3, 0, 1}, {2}, "holdout"});
  EXPECT_EQ(prepared.task, Task::regression);
  ASSERT_EQ(prepared.train_targets.rows(), 3u);
  EXPECT_EQ(prepared.train_targets(0, 0), 40.0);
  EXPECT_EQ(prepared.test_targets(0, 0), 30.0);
  EXPECT_EQ(prepared.train_rows, (std::vector<std::size_t>{3, 0, 1}));
  EXPECT_EQ(prepared.test_rows, (std::vector<std::size_t>{2}));
  EXPECT_TRUE(prepared.train_labels.empty());
}

TEST(Prepare, ClassificationTargetsAreOneHot) {
  Dataset data = regression_dataset({{1}, {2}, {3}, {4}, {5}, {6}}, {0, 0, 0, 0, 0, 0});
  data.task = Task::classification;
  data.targets = Matrix();
  data.labels = {0, 2, 1, 2, 0, 1};
  data.label_names = {"3", "7", "9"};
  const PreparedData prepared = prepare(data, Split{{0, 1, 2}, {3, 4, 5}, "holdout"});
  EXPECT_EQ(prepared.label_names, data.label_names);
  EXPECT_EQ(prepared.train_labels, (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(prepared.test_labels, (std::vector<int>{2, 0, 1}));
  ASSERT_EQ(prepared.train_targets.cols(), 3u);
  const double expected[3][3] = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c)
      EXPECT_EQ(prepared.train_targets(r, c), expected[r][c]) << r << "," << c;
  }
  EXPECT_EQ(prepared.test_targets(0, 2), 1.0);
}

TEST(Prepare, OneHotSpansClassesAbsentFromTraining) {
  Dataset data = regression_dataset({{1}, {2}, {3}}, {0, 0, 0});
  data.task = Task::classification;
  data.labels = {0, 0, 2};
  data.label_names = {"a", "b", "c"};
  const PreparedData prepared = prepare(data, Split{{0, 2}, {1}, "holdout"});
  EXPECT_EQ(prepared.train_targets.cols(), 3u);
  EXPECT_EQ(prepared.test_targets.cols(), 3u);
}

TEST(Prepare, UnseenTestClassIsInputError) {
  Dataset data = regression_dataset({{1}, {2}, {3}}, {0, 0, 0});
  data.task = Task::classification;
  data.labels = {0, 0, 1};
  data.label_names = {"no", "yes"};
  expect_input_error(
      [&] {
        prepare(data, Split{{0, 1}, {2}, "fold 3 of 3"});
      },
      {"class 'yes'", "fold 3 of 3"});
}

TEST(Prepare, ReconstructionTargetsAreStandardisedInputs) {
  const Dataset data = regression_dataset({{1, 5}, {2, 7}, {3, 6}, {8, 1}}, {0, 0, 0, 0});
  PrepareOptions options;
  options.reconstruct_inputs = true;
  const PreparedData prepared = prepare(data, Split{{0, 1, 2}, {3}, "holdout"}, options);
  EXPECT_EQ(prepared.train_targets.storage(), prepared.train_inputs.storage());
  EXPECT_EQ(prepared.test_targets.storage(), prepared.test_inputs.storage());
  EXPECT_EQ(prepared.train_targets.cols(), 2u);
}

// An autoencoder on a classification file reconstructs its inputs: a regression that ignores the
// classes, even one that never occurs in training.
TEST(Prepare, ReconstructionOfClassificationDataIsRegression) {
  Dataset data = regression_dataset({{1, 5}, {2, 7}, {3, 6}, {8, 1}}, {0, 0, 0, 0});
  data.task = Task::classification;
  data.targets = Matrix();
  data.labels = {0, 0, 0, 1};
  data.label_names = {"no", "yes"};
  PrepareOptions options;
  options.reconstruct_inputs = true;
  const PreparedData prepared = prepare(data, Split{{0, 1, 2}, {3}, "holdout"}, options);
  EXPECT_EQ(prepared.task, Task::regression);
  EXPECT_TRUE(prepared.train_labels.empty());
  EXPECT_TRUE(prepared.test_labels.empty());
  EXPECT_TRUE(prepared.label_names.empty());
  EXPECT_EQ(prepared.train_targets.storage(), prepared.train_inputs.storage());
  EXPECT_EQ(prepared.test_targets.cols(), 2u);
}

TEST(Prepare, RowInBothPartsRejected) {
  const Dataset data = regression_dataset({{1}, {2}, {3}}, {0, 0, 0});
  EXPECT_THROW(prepare(data, Split{{0, 1}, {1, 2}, "holdout"}), std::invalid_argument);
  EXPECT_THROW(prepare(data, Split{{0, 5}, {2}, "holdout"}), std::invalid_argument);
  EXPECT_THROW(prepare(data, Split{{}, {2}, "holdout"}), std::invalid_argument);
}

}  // namespace
}  // namespace nclab
