#include <gtest/gtest.h>

#include "framework/cli/suggest.hpp"

namespace nclab {
namespace {

TEST(ClosestName, FindsMisspelledOption) {
  const std::vector<std::string> names = {"lambda", "gamma", "learning-rate", "members", "method"};
  EXPECT_EQ(closest_name("lamda", names), "lambda");
  EXPECT_EQ(closest_name("lamdba", names), "lambda");
  EXPECT_EQ(closest_name("learning_rate", names), "learning-rate");
  EXPECT_EQ(closest_name("member", names), "members");
}

TEST(ClosestName, NothingCloseGivesEmpty) {
  EXPECT_EQ(closest_name("frobnicate", {"lambda", "gamma"}), "");
}

}  // namespace
}  // namespace nclab
