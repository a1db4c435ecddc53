#include <gtest/gtest.h>

#include <cmath>

#include "framework/data/loader.hpp"
#include "framework/data/prepare.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;
using testing::TempFolder;

// Lines 2, 3, 4 and 6 spell missing values in different ways, and none of them may be read as 0.
const char* const file_with_missing =
    "1,10,0\n"
    "?,20,1\n"
    "3, NA ,0\n"
    "4,,1\n"
    "5,50,0\n"
    "6, ? ,1\n";

TEST(MissingValues, ErrorPolicyNamesPositionAndOptions) {
  TempFolder folder;
  const std::string path = folder.write("missing.csv", file_with_missing);
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 1", "missing value '?'",
                                                   "--missing drop", "--missing impute"});
}

TEST(MissingValues, EmptyCellIsReportedAsEmpty) {
  TempFolder folder;
  const std::string path = folder.write("empty_cell.csv", "1,2,0\n3,,1\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 2", "an empty cell"});
}

TEST(MissingValues, WhitespaceFileWithQuestionMark) {
  TempFolder folder;
  const std::string path = folder.write("uci.dat", "1 2 0\n3 ? 1\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 2", "'?'"});
}

TEST(MissingValues, DropRemovesRowsAndReports) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::drop;
  const Dataset data = load_dataset(folder.write("missing.csv", file_with_missing), options);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data.dropped_rows, 4u);
  EXPECT_EQ(data.source_lines, (std::vector<std::size_t>{1, 5}));
  EXPECT_DOUBLE_EQ(data.inputs(1, 0), 5.0);
  ASSERT_EQ(data.warnings.size(), 1u);
  EXPECT_NE(data.warnings[0].find("dropped 4 of 6 rows"), std::string::npos) << data.warnings[0];
  EXPECT_NE(data.warnings[0].find("lines 2, 3, 4, 6"), std::string::npos) << data.warnings[0];
}

TEST(MissingValues, DropAlsoRemovesMissingTargets) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::drop;
  const Dataset data = load_dataset(folder.write("target.csv", "1,2,0\n3,4,?\n5,6,1\n"), options);
  EXPECT_EQ(data.size(), 2u);
  EXPECT_EQ(data.labels, (std::vector<int>{0, 1}));
}

TEST(MissingValues, DropEveryRowIsAnError) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::drop;
  const std::string path = folder.write("all.csv", "?,2,0\n3,NA,1\n");
  expect_input_error([&] { load_dataset(path, options); }, {"every row", path, "--missing impute"});
}

TEST(MissingValues, ImputeStoresNanAtLoad) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::impute;
  const Dataset data = load_dataset(folder.write("missing.csv", file_with_missing), options);
  ASSERT_EQ(data.size(), 6u);
  EXPECT_TRUE(std::isnan(data.inputs(1, 0)));
  EXPECT_TRUE(std::isnan(data.inputs(2, 1)));
  EXPECT_TRUE(std::isnan(data.inputs(3, 1)));
  EXPECT_TRUE(std::isnan(data.inputs(5, 1)));
  EXPECT_DOUBLE_EQ(data.inputs(4, 1), 50.0);
}

TEST(MissingValues, ImputeRejectsMissingTarget) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::impute;
  const std::string path = folder.write("target.csv", "1,2,0\n3,4,NA\n");
  expect_input_error([&] { load_dataset(path, options); },
                     {path + ", line 2, column 3", "target value is missing", "--missing drop"});
}

TEST(MissingValues, ImputeUsesTrainingMeanOnly) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::impute;
  options.task = Task::regression;
  // Column 1: the training rows 0..3 contain 1, 2, 3 and a missing value (mean 2), the test rows 100 and a
  // missing value. A mean over all non-missing rows would be 26.5, so imputing 2 shows that no test row
  // leaked in.
  const Dataset data = load_dataset(folder.write("impute.csv", "1,0\n2,0\n3,0\n?,0\n100,0\n?,0\n"), options);
  const Split split{{0, 1, 2, 3}, {4, 5}, "holdout"};
  const PreparedData prepared = prepare(data, split);

  // Training column after imputation: 1, 2, 3, 2 -> mean 2, population sd sqrt(0.5).
  EXPECT_DOUBLE_EQ(prepared.standardizer.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(prepared.standardizer.scale[0], std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(prepared.train_inputs(3, 0), 0.0);  // imputed with 2, standardised to 0
  EXPECT_DOUBLE_EQ(prepared.test_inputs(1, 0), 0.0);   // imputed with the training mean 2, not 100
  EXPECT_DOUBLE_EQ(prepared.test_inputs(0, 0), (100.0 - 2.0) / std::sqrt(0.5));
  ASSERT_FALSE(prepared.warnings.empty());
  EXPECT_NE(prepared.warnings[0].find("imputed 1 missing values in the training part and 1 in the test part"),
            std::string::npos)
      << prepared.warnings[0];
}

TEST(MissingValues, ImputeColumnWithoutTrainingValue) {
  TempFolder folder;
  LoadOptions options;
  options.missing = MissingPolicy::impute;
  const Dataset data = load_dataset(folder.write("hole.csv", "a,b,y\n?,1,0\n?,2,1\n5,3,0\n6,4,1\n"), options);
  const Split split{{0, 1}, {2, 3}, "fold 1 of 2"};
  expect_input_error([&] { prepare(data, split); },
                     {"feature 'a'", "fold 1 of 2", "no value in the training part"});
}

}  // namespace
}  // namespace nclab
