#include "framework/data/label_table.hpp"

#include <gtest/gtest.h>

#include "framework/data/loader.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;

TEST(LabelTable, ZeroOne) {
  const LabelTable table = encode_labels({"1", "0", "1"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(table.labels, (std::vector<int>{1, 0, 1}));
}

TEST(LabelTable, OneToKInNumericOrder) {
  const LabelTable table = encode_labels({"10", "2", "1", "2"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_EQ(table.labels, (std::vector<int>{2, 1, 0, 1}));
}

TEST(LabelTable, MinusOnePlusOne) {
  const LabelTable table = encode_labels({"+1", "-1", "1", "-1.0"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"-1", "1"}));
  EXPECT_EQ(table.labels, (std::vector<int>{1, 0, 1, 0}));
}

TEST(LabelTable, SparseCodes) {
  const LabelTable table = encode_labels({"9", "3", "7", "3"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"3", "7", "9"}));
  EXPECT_EQ(table.labels, (std::vector<int>{2, 0, 1, 0}));
}

TEST(LabelTable, StringsPaddedWithSpaces) {
  const LabelTable table = encode_labels({" yes", "no ", "  yes  ", "maybe"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"maybe", "no", "yes"}));
  EXPECT_EQ(table.labels, (std::vector<int>{2, 1, 2, 0}));
}

TEST(LabelTable, MixedNumbersAndTextUseStringOrder) {
  const LabelTable table = encode_labels({"10", "b", "9"});
  EXPECT_EQ(table.names, (std::vector<std::string>{"10", "9", "b"}));
}

TEST(LabelTable, PaddedLabelsInFile) {
  testing::TempFolder folder;
  const Dataset data = load_dataset(folder.write("padded.csv", "1, 7 \n2,3\n3,  9\n4,7\n"));
  EXPECT_EQ(data.task, Task::classification);
  EXPECT_EQ(data.label_names, (std::vector<std::string>{"3", "7", "9"}));
  EXPECT_EQ(data.labels, (std::vector<int>{1, 0, 2, 1}));
}

Dataset three_class_dataset() {
  Dataset data;
  data.source = "toy.csv";
  data.task = Task::classification;
  data.inputs = Matrix(6, 1);
  data.labels = {0, 0, 1, 1, 2, 2};
  data.label_names = {"a", "b", "c"};
  data.source_lines = {1, 2, 3, 4, 5, 6};
  return data;
}

TEST(LabelCheck, SeenLabelsPass) {
  const Dataset data = three_class_dataset();
  Split split{{0, 2, 4}, {1, 3, 5}};
  EXPECT_NO_THROW(check_test_labels_seen(data, split));
}

TEST(LabelCheck, UnseenLabelNamesClassAndFold) {
  const Dataset data = three_class_dataset();
  Split split{{0, 1, 2, 3}, {4, 5}, "fold 3 of 3"};
  expect_input_error([&] { check_test_labels_seen(data, split); },
                     {"class 'c'", "fold 3 of 3", "toy.csv, line 5", "never in its training part"});
}

}  // namespace
}  // namespace nclab
