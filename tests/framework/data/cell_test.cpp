#include "framework/data/cell.hpp"

#include <gtest/gtest.h>

namespace nclab {
namespace {

TEST(Cell, TrimRemovesBlanksAndCarriageReturn) {
  EXPECT_EQ(trim("  1.5\t\r"), "1.5");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim("a b"), "a b");
}

TEST(Cell, MissingMarkersWithPadding) {
  for (const char* text : {"", "   ", "?", " ? ", "NA", "  NA\t"}) {
    EXPECT_TRUE(is_missing_cell(text)) << "'" << text << "'";
    EXPECT_EQ(parse_cell(text).kind, CellKind::missing) << "'" << text << "'";
  }
  EXPECT_FALSE(is_missing_cell("0"));
  EXPECT_FALSE(is_missing_cell("NAN"));
}

TEST(Cell, NumbersInCommonSpellings) {
  const std::pair<const char*, double> cases[] = {
      {"0", 0.0},  {"-1", -1.0},    {"+1", 1.0},         {" 2.5 ", 2.5},  {".5", 0.5},
      {"5.", 5.0}, {"1e3", 1000.0}, {"-1.5E-2", -0.015}, {"1e-400", 0.0},
  };
  for (const auto& [text, value] : cases) {
    const ParsedCell cell = parse_cell(text);
    EXPECT_EQ(cell.kind, CellKind::number) << "'" << text << "'";
    EXPECT_DOUBLE_EQ(cell.value, value) << "'" << text << "'";
  }
}

TEST(Cell, NanAndInfAreNonFinite) {
  for (const char* text : {"nan", "NaN", "inf", "-inf", "Infinity", "1e400"}) {
    EXPECT_EQ(parse_cell(text).kind, CellKind::non_finite) << "'" << text << "'";
  }
}

TEST(Cell, OtherTextIsText) {
  for (const char* text : {"abc", "1,5", "0x10", "1.2.3", "+-1", "--1", "1 2", "yes"}) {
    EXPECT_EQ(parse_cell(text).kind, CellKind::text) << "'" << text << "'";
  }
}

TEST(Cell, FormatNumberIsShortest) {
  EXPECT_EQ(format_number(3.0), "3");
  EXPECT_EQ(format_number(-1.0), "-1");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(0.1), "0.1");
}

}  // namespace
}  // namespace nclab
