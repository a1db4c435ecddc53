#include <gtest/gtest.h>

#include <set>
#include <string>

#include "framework/core/error.hpp"
#include "framework/sweep/plan.hpp"

namespace nclab {
namespace {

SweepPlan plan_for(const std::vector<std::string>& args) {
  const auto table = training_options();
  return expand_grid(parse_training_options("sweep", args, table, true), table);
}

TEST(ExpandGrid, CartesianProductOverSettings) {
  const SweepPlan plan = plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0:1:0.25",
                                   "--members", "2,4", "--seeds", "1,2"});
  EXPECT_EQ(plan.runs.size(), 5u * 2u * 2u);
  EXPECT_EQ(plan.grid_points, 10u);
}

TEST(ExpandGrid, OptionsJoinOnlyTheMethodsTheyApplyTo) {
  const SweepPlan plan = plan_for({"--data", "builtin:sine", "--method", "independent,decorrelated",
                                   "--lambda", "0.5,1", "--indicator", "previous,alternate"});
  // independent: 1 run; decorrelated: 2 lambdas x 2 indicators x 2 modes? mode default only -> 4.
  EXPECT_EQ(plan.runs.size(), 1u + 4u);
  for (const auto& run : plan.runs) {
    if (run.settings.at("method") == "independent") {
      EXPECT_FALSE(run.settings.count("lambda"));
      EXPECT_FALSE(run.settings.count("indicator"));
    } else {
      EXPECT_TRUE(run.settings.count("indicator"));
      EXPECT_EQ(run.settings.at("mode"), "sequential");
    }
  }
}

TEST(ExpandGrid, FoldsGiveOneRunEachSharingTheGridPoint) {
  const SweepPlan plan = plan_for({"--data", "builtin:sine", "--folds", "5", "--seeds", "3"});
  ASSERT_EQ(plan.runs.size(), 5u);
  std::set<std::string> run_ids;
  for (std::size_t f = 0; f < 5; ++f) {
    EXPECT_EQ(plan.runs[f].fold, f);
    EXPECT_EQ(plan.runs[f].settings.at("fold"), std::to_string(f));
    EXPECT_EQ(plan.runs[f].point_id, plan.runs[0].point_id);
    EXPECT_EQ(plan.runs[f].seed, 3u);
    run_ids.insert(plan.runs[f].run_id);
  }
  EXPECT_EQ(run_ids.size(), 5u);
}

TEST(ExpandGrid, FoldSelection) {
  const SweepPlan plan = plan_for({"--data", "builtin:sine", "--folds", "10", "--fold", "2,7"});
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.runs[0].fold, 2u);
  EXPECT_EQ(plan.runs[1].fold, 7u);
  EXPECT_THROW(plan_for({"--data", "builtin:sine", "--folds", "3", "--fold", "3"}), InputError);
}

TEST(ExpandGrid, DuplicateValuesRunOnce) {
  const SweepPlan plan = plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0.5,0.50,0.5"});
  EXPECT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.repeated_runs, 2u) << "the command warns about the skipped repeats";
  EXPECT_EQ(plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0.5,0.2"}).repeated_runs, 0u);
}

TEST(ExpandGrid, RunIdsAreStableHashesOfSettings) {
  const SweepPlan a = plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0,0.5"});
  const SweepPlan b = plan_for({"--method", "ncl", "--lambda", "0.5", "--data", "builtin:sine"});
  ASSERT_EQ(a.runs.size(), 2u);
  ASSERT_EQ(b.runs.size(), 1u);
  EXPECT_EQ(a.runs[1].run_id, b.runs[0].run_id);
  EXPECT_EQ(a.runs[1].run_id.size(), 16u);
  EXPECT_EQ(a.runs[1].run_id, settings_hash(a.runs[1].settings));
}

TEST(ExpandGrid, HugeGridIsRejectedBeforeExpanding) {
  // 10,001 x 100,000 x 100 = about 10^11 runs: the error must come before any run is planned.
  try {
    plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0:1:0.0001", "--seeds", "0:99999", "--folds",
              "100"});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("10001 --lambda values x 100000 --seeds values x 100 folds"), std::string::npos) << message;
    EXPECT_NE(message.find("500000"), std::string::npos) << message;
  }
  // A large grid under the limit still plans: 1,000 lambda values x 100 seeds.
  EXPECT_EQ(plan_for({"--data", "builtin:sine", "--method", "ncl", "--lambda", "0:0.999:0.001", "--seeds", "0:99"})
                .runs.size(),
            100000u);
}

TEST(ExpandGrid, MissingDataIsAnError) {
  EXPECT_THROW(plan_for({"--method", "ncl"}), InputError);
}

}  // namespace
}  // namespace nclab
