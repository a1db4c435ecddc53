#include "framework/data/loader.hpp"

#include <gtest/gtest.h>

#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::TempFolder;

TEST(Loader, CommaSeparatedWithoutHeader) {
  TempFolder folder;
  const Dataset data = load_dataset(folder.write("plain.csv", "1,2,0\n3,4,1\n5,6,1\n"));
  EXPECT_EQ(data.source, folder.path() + "/plain.csv");
  ASSERT_EQ(data.size(), 3u);
  ASSERT_EQ(data.inputs.cols(), 2u);
  EXPECT_DOUBLE_EQ(data.inputs(2, 1), 6.0);
  EXPECT_EQ(data.task, Task::classification);
  EXPECT_EQ(data.labels, (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"column 1", "column 2"}));
  EXPECT_EQ(data.source_lines, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(Loader, HeaderDetectedAndNamesKept) {
  TempFolder folder;
  const Dataset data = load_dataset(folder.write("named.csv", "\"a\",b,class\n1,2,x\n3,4,y\n"));
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.target_names, (std::vector<std::string>{"class"}));
  EXPECT_EQ(data.source_lines, (std::vector<std::size_t>{2, 3}));
}

TEST(Loader, TextLabelsWithoutHeaderAreData) {
  TempFolder folder;
  const Dataset data = load_dataset(folder.write("labels.csv", "1,2,yes\n3,4,no\n"));
  EXPECT_EQ(data.size(), 2u);
  EXPECT_EQ(data.label_names, (std::vector<std::string>{"no", "yes"}));
}

TEST(Loader, HeaderModeForcesChoice) {
  TempFolder folder;
  const std::string path = folder.write("numeric_header.csv", "10,20,30\n1,2,0\n3,4,1\n");
  LoadOptions options;
  options.header = HeaderMode::present;
  const Dataset with_header = load_dataset(path, options);
  EXPECT_EQ(with_header.size(), 2u);
  EXPECT_EQ(with_header.feature_names, (std::vector<std::string>{"10", "20"}));

  options.header = HeaderMode::absent;
  EXPECT_EQ(load_dataset(path, options).size(), 3u);

  options.header = HeaderMode::automatic;
  EXPECT_EQ(load_dataset(path, options).size(), 3u);
}

TEST(Loader, WhitespaceFileWithHeader) {
  TempFolder folder;
  const Dataset data = load_dataset(folder.write("spaced.dat", "x1 x2 y\n0.5 1 2.25\n1.5 2 3.75\n"));
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(data.task, Task::regression);
  EXPECT_DOUBLE_EQ(data.targets(1, 0), 3.75);
}

TEST(Loader, FormatOptionOverridesDetection) {
  TempFolder folder;
  const std::string path = folder.write("odd.csv", "1 2 0\n3 4 1\n");
  LoadOptions options;
  options.format = FileFormat::whitespace_separated;
  EXPECT_EQ(load_dataset(path, options).inputs.cols(), 2u);
}

TEST(Loader, TargetByIndexNegativeIndexAndName) {
  TempFolder folder;
  const std::string path = folder.write("target.csv", "a,b,c\n1,10,100\n2,20,200\n3,30,300\n");
  LoadOptions options;
  options.task = Task::regression;

  options.target = "0";
  Dataset data = load_dataset(path, options);
  EXPECT_DOUBLE_EQ(data.targets(2, 0), 3.0);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"b", "c"}));
  EXPECT_DOUBLE_EQ(data.inputs(2, 1), 300.0);

  options.target = "-2";
  data = load_dataset(path, options);
  EXPECT_DOUBLE_EQ(data.targets(0, 0), 10.0);
  EXPECT_EQ(data.target_names, (std::vector<std::string>{"b"}));

  options.target = "c";
  data = load_dataset(path, options);
  EXPECT_DOUBLE_EQ(data.targets(1, 0), 200.0);
}

TEST(Loader, TaskInferredFromTargetValues) {
  TempFolder folder;
  EXPECT_EQ(load_dataset(folder.write("int.csv", "1,3\n2,7\n3,9\n")).task, Task::classification);
  EXPECT_EQ(load_dataset(folder.write("real.csv", "1,0.5\n2,1\n")).task, Task::regression);

  std::string many;
  for (int i = 0; i < 21; ++i) many += std::to_string(i) + "," + std::to_string(i) + "\n";
  EXPECT_EQ(load_dataset(folder.write("many.csv", many)).task, Task::regression);

  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += std::to_string(i) + "," + std::to_string(i) + "\n";
  EXPECT_EQ(load_dataset(folder.write("twenty.csv", twenty)).task, Task::classification);
}

TEST(Loader, TaskOptionOverridesInference) {
  TempFolder folder;
  const std::string path = folder.write("codes.csv", "1,0\n2,1\n3,1\n");
  LoadOptions options;
  options.task = Task::regression;
  const Dataset data = load_dataset(path, options);
  EXPECT_EQ(data.task, Task::regression);
  EXPECT_TRUE(data.labels.empty());
  EXPECT_DOUBLE_EQ(data.targets(2, 0), 1.0);
}

TEST(Loader, TaskAndPolicyNamesParse) {
  EXPECT_EQ(parse_task("classification"), Task::classification);
  EXPECT_EQ(parse_task("regression"), Task::regression);
  EXPECT_EQ(parse_missing_policy("drop"), MissingPolicy::drop);
  EXPECT_EQ(parse_header_mode("present"), HeaderMode::present);
  testing::expect_input_error([] { parse_task("ranking"); }, {"'ranking'", "classification or regression"});
  testing::expect_input_error([] { parse_missing_policy("zero"); }, {"'zero'", "error, drop or impute"});
  testing::expect_input_error([] { parse_header_mode("yes"); }, {"'yes'", "auto, present or absent"});
}

}  // namespace
}  // namespace nclab
