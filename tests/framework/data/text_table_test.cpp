#include "framework/data/text_table.hpp"

#include <gtest/gtest.h>

#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;

TEST(CommaSeparated, PlainRowsAndLines) {
  const TextTable table = split_comma_separated("1,2,3\n4,5,6\n", "a.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(table.lines, (std::vector<std::size_t>{1, 2}));
}

TEST(CommaSeparated, QuotedFieldsAndEscapes) {
  const TextTable table = split_comma_separated("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "q.csv");
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"a,b", "say \"hi\"", ""}));
}

TEST(CommaSeparated, CrlfAndTrailingBlanks) {
  const TextTable table = split_comma_separated("1 , 2  \r\n3,\"4\"  \r\n", "crlf.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"3", "4"}));
}

TEST(CommaSeparated, BlankLinesSkippedLinesKept) {
  const TextTable table = split_comma_separated(
      "\xEF\xBB\xBF"
      "1,2\n\n  \r\n3,4",
      "blank.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0], "1");
  EXPECT_EQ(table.lines, (std::vector<std::size_t>{1, 4}));
}

TEST(CommaSeparated, EmptyCellsAreKept) {
  const TextTable table = split_comma_separated("1,,3\n,,\n", "empty.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "", "3"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"", "", ""}));
}

TEST(CommaSeparated, LineBreakInsideQuotes) {
  const TextTable table = split_comma_separated("\"two\nlines\",1\n2,3\n", "multi.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0], "two\nlines");
  EXPECT_EQ(table.lines, (std::vector<std::size_t>{1, 3}));
}

TEST(CommaSeparated, UnterminatedQuoteNamesPosition) {
  expect_input_error([] { split_comma_separated("1,2\n3,\"4\n", "open.csv"); },
                     {"open.csv, line 2, column 2", "never closed"});
}

TEST(CommaSeparated, TextAfterClosingQuote) {
  expect_input_error([] { split_comma_separated("\"1\"x,2\n", "after.csv"); },
                     {"after.csv, line 1, column 1", "after the closing quote"});
}

TEST(WhitespaceSeparated, SpacesTabsAndBlankLines) {
  const TextTable table = split_whitespace_separated("  1 2\t3 \r\n\n4   5 6\n", "a.dat");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(table.lines, (std::vector<std::size_t>{1, 3}));
}

TEST(FileFormat, DetectedFromExtensionAndContent) {
  EXPECT_EQ(detect_file_format("1 2 3\n", "x.CSV"), FileFormat::comma_separated);
  EXPECT_EQ(detect_file_format("\n1,2,3\n", "x.data"), FileFormat::comma_separated);
  EXPECT_EQ(detect_file_format("1 2 3\n", "x.dat"), FileFormat::whitespace_separated);
  EXPECT_EQ(detect_file_format("", "x.txt"), FileFormat::whitespace_separated);
}

TEST(FileFormat, ParseNames) {
  EXPECT_EQ(parse_file_format("csv"), FileFormat::comma_separated);
  EXPECT_EQ(parse_file_format("whitespace"), FileFormat::whitespace_separated);
  EXPECT_EQ(parse_file_format("auto"), FileFormat::automatic);
  expect_input_error([] { parse_file_format("tsv"); }, {"'tsv'", "auto, csv or whitespace"});
}

}  // namespace
}  // namespace nclab
