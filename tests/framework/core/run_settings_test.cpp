#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/run_settings.hpp"

namespace nclab {
namespace {

TEST(RunSettings, IteratesInNameOrder) {
  const RunSettings settings(std::make_shared<SettingPool>(),
                             std::vector<Setting>{{"lambda", "0.5"}, {"data", "a.csv"}, {"fold", "2"}});
  const std::vector<Setting> pairs(settings.begin(), settings.end());
  EXPECT_EQ(pairs, (std::vector<Setting>{{"data", "a.csv"}, {"fold", "2"}, {"lambda", "0.5"}}));
  EXPECT_EQ(settings.size(), 3u);
  EXPECT_FALSE(settings.empty());
}

TEST(RunSettings, LooksUpNames) {
  const RunSettings settings{{"method", "ncl"}, {"lambda", "0.25"}};
  EXPECT_EQ(settings.at("lambda"), "0.25");
  EXPECT_EQ(settings.find("method")->second, "ncl");
  EXPECT_EQ(settings.find("missing"), settings.end());
  EXPECT_EQ(settings.count("method"), 1u);
  EXPECT_EQ(settings.count("gamma"), 0u);
  EXPECT_TRUE(settings.contains("lambda"));
  EXPECT_FALSE(settings.contains("lambd"));
  EXPECT_THROW(settings.at("gamma"), std::out_of_range);
}

TEST(RunSettings, EmptySettings) {
  const RunSettings settings;
  EXPECT_TRUE(settings.empty());
  EXPECT_EQ(settings.begin(), settings.end());
  EXPECT_EQ(settings.find("lambda"), settings.end());
  EXPECT_EQ(settings, RunSettings(std::map<std::string, std::string>{}));
}

TEST(RunSettings, SharedPoolStoresPairOnce) {
  const auto pool = std::make_shared<SettingPool>();
  const RunSettings first(pool, std::map<std::string, std::string>{{"data", "a.csv"}, {"lambda", "0"}});
  const RunSettings second(pool, std::map<std::string, std::string>{{"data", "a.csv"}, {"lambda", "0.5"}});
  EXPECT_EQ(pool->size(), 3u);
  EXPECT_EQ(&*first.find("data"), &*second.find("data"));
  EXPECT_EQ(second.at("lambda"), "0.5");
}

TEST(RunSettings, EqualAcrossPools) {
  const RunSettings own{{"a", "1"}, {"b", "2"}};
  const RunSettings shared(std::make_shared<SettingPool>(), std::map<std::string, std::string>{{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(own, shared);
  EXPECT_FALSE(own == (RunSettings{{"a", "1"}, {"b", "3"}}));
  EXPECT_FALSE(own == (RunSettings{{"a", "1"}}));
}

TEST(RunSettings, CopiesShareValues) {
  const RunSettings original{{"seed", "3"}};
  const RunSettings copy = original;
  EXPECT_EQ(copy, original);
  EXPECT_EQ(&*copy.begin(), &*original.begin());
  EXPECT_EQ(copy.to_map(), (std::map<std::string, std::string>{{"seed", "3"}}));
}

TEST(RunSettings, RepeatedNameRejected) {
  EXPECT_THROW(RunSettings(std::make_shared<SettingPool>(), std::vector<Setting>{{"seed", "1"}, {"seed", "2"}}),
               RuntimeFailure);
}

}  // namespace
}  // namespace nclab
