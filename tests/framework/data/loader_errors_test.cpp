// One test per kind of malformed input. Each writes a small file and checks that the InputError names
// the file, the line and the column where they apply.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/data/loader.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;
using testing::TempFolder;

TEST(LoaderErrors, WrongColumnCount) {
  TempFolder folder;
  const std::string path = folder.write("short.csv", "1,2,0\n3,4,1\n5,1\n");
  expect_input_error([&] { load_dataset(path); },
                     {path + ", line 3, column 3", "expected 3 columns", "found 2"});
}

TEST(LoaderErrors, ExtraColumnInWhitespaceFile) {
  TempFolder folder;
  const std::string path = folder.write("long.dat", "1 2 0\n3 4 1 9\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 4", "expected 3 columns"});
}

TEST(LoaderErrors, NonNumericFeatureCell) {
  TempFolder folder;
  const std::string path = folder.write("text.csv", "1,2,0\n3,abc,1\n");
  expect_input_error([&] { load_dataset(path); },
                     {path + ", line 2, column 2", "'abc'", "non-numeric", "feature column"});
}

TEST(LoaderErrors, MessageNamesHeaderColumn) {
  TempFolder folder;
  const std::string path = folder.write("named.csv", "age,income,label\n1,2,0\n3,lots,1\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 3, column 2 ('income')", "'lots'"});
}

TEST(LoaderErrors, EmptyFile) {
  TempFolder folder;
  const std::string path = folder.write("empty.csv", "");
  expect_input_error([&] { load_dataset(path); }, {path, "empty"});
}

TEST(LoaderErrors, BlankLinesOnlyIsEmpty) {
  TempFolder folder;
  const std::string path = folder.write("blank.dat", "\n  \n\r\n");
  expect_input_error([&] { load_dataset(path); }, {path, "empty"});
}

TEST(LoaderErrors, HeaderWithoutDataRows) {
  TempFolder folder;
  const std::string path = folder.write("header_only.csv", "a,b,c\n");
  LoadOptions options;
  options.header = HeaderMode::present;
  expect_input_error([&] { load_dataset(path, options); }, {path, "no data rows"});
}

TEST(LoaderErrors, MissingPath) {
  TempFolder folder;
  const std::string path = folder.path() + "/does_not_exist.csv";
  expect_input_error([&] { load_dataset(path); }, {"not found", path});
}

TEST(LoaderErrors, DirectoryInsteadOfFile) {
  TempFolder folder;
  expect_input_error([&] { load_dataset(folder.path()); }, {folder.path(), "is a directory"});
}

TEST(LoaderErrors, UnreadableFile) {
  TempFolder folder;
  const std::string path = folder.write("locked.csv", "1,2,0\n");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  if (std::ifstream(path).is_open()) {
    GTEST_SKIP() << "this user can read files without read permission (root), so the error cannot occur";
  }
  expect_input_error([&] { load_dataset(path); }, {"cannot open data file", path, "permissions"});
}

TEST(LoaderErrors, NanWrittenInData) {
  TempFolder folder;
  const std::string path = folder.write("nan.csv", "1,2,0\nNaN,4,1\n");
  expect_input_error([&] { load_dataset(path); },
                     {path + ", line 2, column 1", "'NaN'", "not a finite number"});
}

TEST(LoaderErrors, InfWrittenInData) {
  TempFolder folder;
  const std::string path = folder.write("inf.dat", "1 2 0\n3 -inf 1\n");
  expect_input_error([&] { load_dataset(path); },
                     {path + ", line 2, column 2", "'-inf'", "not a finite number"});
}

TEST(LoaderErrors, OverflowingNumberInData) {
  TempFolder folder;
  const std::string path = folder.write("huge.csv", "1,2,0\n3,1e400,1\n");
  expect_input_error([&] { load_dataset(path); },
                     {path + ", line 2, column 2", "'1e400'", "too large for a double"});
}

TEST(LoaderErrors, InfWrittenInTarget) {
  TempFolder folder;
  const std::string path = folder.write("inf_target.csv", "1,2,0.5\n3,4,inf\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 3", "'inf'"});
}

TEST(LoaderErrors, TargetIndexOutOfRange) {
  TempFolder folder;
  const std::string path = folder.write("three.csv", "1,2,0\n3,4,1\n");
  LoadOptions options;
  options.target = "3";
  expect_input_error([&] { load_dataset(path, options); },
                     {"--target 3", "out of range", "3 columns", "0 to 2"});
  options.target = "-4";
  expect_input_error([&] { load_dataset(path, options); }, {"--target -4", "out of range", "-3 to -1"});
}

TEST(LoaderErrors, UnknownHeaderName) {
  TempFolder folder;
  const std::string path = folder.write("named.csv", "age,income,label\n1,2,0\n3,4,1\n");
  LoadOptions options;
  options.target = "salary";
  expect_input_error([&] { load_dataset(path, options); }, {"'salary'", "age, income, label"});
}

TEST(LoaderErrors, TargetNameWithoutHeader) {
  TempFolder folder;
  const std::string path = folder.write("unnamed.csv", "1,2,0\n3,4,1\n");
  LoadOptions options;
  options.target = "label";
  expect_input_error([&] { load_dataset(path, options); }, {"'label'", "no header row", "--header present"});
}

TEST(LoaderErrors, NonNumericRegressionTarget) {
  TempFolder folder;
  const std::string path = folder.write("words.csv", "1,2,0.5\n3,4,high\n");
  LoadOptions options;
  options.task = Task::regression;
  expect_input_error([&] { load_dataset(path, options); },
                     {path + ", line 2, column 3", "'high'", "--task classification"});
}

TEST(LoaderErrors, SingleColumnFile) {
  TempFolder folder;
  const std::string path = folder.write("single.csv", "1\n2\n");
  expect_input_error([&] { load_dataset(path); }, {path, "single column"});
}

TEST(LoaderErrors, UnterminatedQuoteInFile) {
  TempFolder folder;
  const std::string path = folder.write("quote.csv", "1,2,0\n\"3,4,1\n");
  expect_input_error([&] { load_dataset(path); }, {path + ", line 2, column 1", "never closed"});
}

}  // namespace
}  // namespace nclab
