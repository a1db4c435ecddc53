// Tests on the public datasets in NCLAB_DATA_DIR. They skip when that folder is not available.

#include <gtest/gtest.h>

#include <algorithm>

#include "framework/data/loader.hpp"
#include "framework/data/prepare.hpp"
#include "framework/data/split.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

std::string shared_file(const std::string& name) {
  const std::string folder = testing::shared_data_folder();
  if (folder.empty()) return {};
  const std::string path = folder + "/" + name;
  return std::filesystem::is_regular_file(path) ? path : std::string();
}

TEST(RealFiles, Australian) {
  const std::string path = shared_file("australian.dat");
  if (path.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or lacks australian.dat";

  const Dataset data = load_dataset(path);
  EXPECT_EQ(data.task, Task::classification);
  ASSERT_EQ(data.size(), 690u);
  EXPECT_EQ(data.inputs.cols(), 14u);
  EXPECT_EQ(data.label_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(std::count(data.labels.begin(), data.labels.end(), 0), 383);
  EXPECT_EQ(std::count(data.labels.begin(), data.labels.end(), 1), 307);
  // First line: 1 22.08 11.46 2 4 4 1.585 0 0 0 1 2 100 1213 0
  EXPECT_DOUBLE_EQ(data.inputs(0, 1), 22.08);
  EXPECT_DOUBLE_EQ(data.inputs(0, 13), 1213.0);
}

TEST(RealFiles, AustralianTenFoldStratified) {
  const std::string path = shared_file("australian.dat");
  if (path.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or lacks australian.dat";

  const Dataset data = load_dataset(path);
  SplitOptions options;
  options.folds = 10;
  const auto splits = make_splits(data, options);
  ASSERT_EQ(splits.size(), 10u);
  for (const Split& split : splits) {
    const auto positives = std::count_if(split.test.begin(), split.test.end(),
                                         [&](std::size_t row) { return data.labels[row] == 1; });
    EXPECT_GE(positives, 30) << split.name;  // 307 / 10 = 30.7
    EXPECT_LE(positives, 31) << split.name;
    const PreparedData prepared = prepare(data, split);
    EXPECT_EQ(prepared.train_targets.cols(), 2u);
    EXPECT_EQ(prepared.train_inputs.rows() + prepared.test_inputs.rows(), 690u);
  }
}

TEST(RealFiles, Pima) {
  const std::string path = shared_file("pima-indians-diabetes.data.csv");
  if (path.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or lacks pima-indians-diabetes.data.csv";

  const Dataset data = load_dataset(path);
  EXPECT_EQ(data.task, Task::classification);
  ASSERT_EQ(data.size(), 768u);
  EXPECT_EQ(data.inputs.cols(), 8u);
  EXPECT_EQ(data.feature_names.front(), "column 1");
  EXPECT_EQ(std::count(data.labels.begin(), data.labels.end(), 0), 500);
  EXPECT_EQ(std::count(data.labels.begin(), data.labels.end(), 1), 268);
  // First line: 6,148,72,35,0,33.6,0.627,50,1
  EXPECT_DOUBLE_EQ(data.inputs(0, 5), 33.6);
}

TEST(RealFiles, BostonHousing) {
  const std::string path = shared_file("BostonHousing.csv");
  if (path.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or lacks BostonHousing.csv";

  const Dataset data = load_dataset(path);
  EXPECT_EQ(data.task, Task::regression);
  ASSERT_EQ(data.size(), 506u);
  ASSERT_EQ(data.inputs.cols(), 13u);
  EXPECT_EQ(data.target_names, (std::vector<std::string>{"medv"}));
  EXPECT_EQ(data.feature_names[3], "chas");
  EXPECT_EQ(data.source_lines.front(), 2u);
  // First data line: 0.00632,18,2.31,"0",0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,24
  EXPECT_DOUBLE_EQ(data.inputs(0, 0), 0.00632);
  EXPECT_DOUBLE_EQ(data.inputs(0, 3), 0.0);
  EXPECT_DOUBLE_EQ(data.targets(0, 0), 24.0);
  // The quoted chas column contains only 0 and 1.
  std::size_t ones = 0;
  for (std::size_t row = 0; row < data.size(); ++row) {
    const double chas = data.inputs(row, 3);
    ASSERT_TRUE(chas == 0.0 || chas == 1.0) << "row " << row;
    ones += chas == 1.0 ? 1 : 0;
  }
  EXPECT_GT(ones, 0u);
}

TEST(RealFiles, BostonHousingTargetByName) {
  const std::string path = shared_file("BostonHousing.csv");
  if (path.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or lacks BostonHousing.csv";

  LoadOptions options;
  options.target = "chas";
  const Dataset data = load_dataset(path, options);
  EXPECT_EQ(data.task, Task::classification);
  EXPECT_EQ(data.label_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(data.feature_names.back(), "medv");
}

}  // namespace
}  // namespace nclab
