#include <gtest/gtest.h>

#include "framework/cli/value_list.hpp"
#include "framework/core/error.hpp"

namespace nclab {
namespace {

using Values = std::vector<std::string>;

TEST(ExpandValues, ListKeepsOrder) {
  EXPECT_EQ(expand_values("lambda", "0,0.25,0.5", true), (Values{"0", "0.25", "0.5"}));
}

TEST(ExpandValues, RangeIncludesBothEnds) {
  EXPECT_EQ(expand_values("lambda", "0:1:0.25", true), (Values{"0", "0.25", "0.5", "0.75", "1"}));
}

TEST(ExpandValues, RangeHasNoRoundingNoise) {
  const Values values = expand_values("lambda", "0:1:0.1", true);
  ASSERT_EQ(values.size(), 11u);
  EXPECT_EQ(values[3], "0.3");
  EXPECT_EQ(values[7], "0.7");
  EXPECT_EQ(values[10], "1");
}

TEST(ExpandValues, DescendingAndNegativeRanges) {
  EXPECT_EQ(expand_values("lambda", "1:-1:-1", true), (Values{"1", "0", "-1"}));
  EXPECT_EQ(expand_values("lambda", "-0.5", true), (Values{"-0.5"}));
}

TEST(ExpandValues, RangeMustEndOnItsStop) {
  try {
    expand_values("lambda", "0:1:0.3", true);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("end at 0.9, not at 1"), std::string::npos) << message;
    EXPECT_NE(message.find("0:0.9:0.3"), std::string::npos) << message;
  }
}

TEST(ExpandValues, RangeWithoutStepStepsByOne) {
  EXPECT_EQ(expand_values("seeds", "1:4", true), (Values{"1", "2", "3", "4"}));
  EXPECT_THROW(expand_values("seeds", "4:1", true), InputError);
}

TEST(ExpandValues, MixesListsAndRanges) {
  EXPECT_EQ(expand_values("hidden", "2,5:7:1", true), (Values{"2", "5", "6", "7"}));
}

TEST(ExpandValues, CanonicalNumbers) {
  EXPECT_EQ(expand_values("lambda", "0.50, 1e-1, +2", true), (Values{"0.5", "0.1", "2"}));
  EXPECT_EQ(expand_values("lambda", "-0", true), (Values{"0"}));
}

TEST(ExpandValues, TextIsSplitOnly) {
  EXPECT_EQ(expand_values("method", "ncl, ncl-exact", false), (Values{"ncl", "ncl-exact"}));
}

TEST(ExpandValues, RejectsBadInput) {
  EXPECT_THROW(expand_values("lambda", "0,,1", true), InputError);
  EXPECT_THROW(expand_values("lambda", "abc", true), InputError);
  EXPECT_THROW(expand_values("lambda", "0:1:0", true), InputError);
  EXPECT_THROW(expand_values("lambda", "0:1:-0.5", true), InputError);
  EXPECT_THROW(expand_values("lambda", "0:1:0.5:2", true), InputError);
  EXPECT_THROW(expand_values("lambda", "0:1e9:1e-3", true), InputError);
  EXPECT_THROW(expand_values("lambda", "nan", true), InputError);
}

TEST(ExpandValues, ErrorNamesOptionAndValue) {
  try {
    expand_values("lambda", "0.5x", true);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("--lambda"), std::string::npos) << message;
    EXPECT_NE(message.find("0.5x"), std::string::npos) << message;
  }
}

// The message for empty items shows the list without them, or requests a value when none is left.
TEST(ExpandValues, EmptyItemsShowTheFix) {
  const auto message_of = [](const std::string& text) {
    try {
      expand_values("members", text, true);
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of("4,,8").find("e.g. '4,8'"), std::string::npos) << message_of("4,,8");
  EXPECT_NE(message_of("").find("missing value for --members=''"), std::string::npos) << message_of("");
  EXPECT_NE(message_of(",").find("missing value for --members=','"), std::string::npos) << message_of(",");
}

TEST(FormatNumber, ShortestRoundTrip) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(100), "100");
  EXPECT_EQ(format_number(1e-5), "1e-05");
  EXPECT_EQ(format_number(2.0 / 3.0), "0.6666666666666666");
}

}  // namespace
}  // namespace nclab
