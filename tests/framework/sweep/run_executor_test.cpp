#include "framework/sweep/run_executor.hpp"

#include <gtest/gtest.h>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

SweepPlan plan_for(const std::vector<std::string>& args) {
  const auto table = training_options();
  return expand_grid(parse_training_options("sweep", args, table, true), table);
}

std::string check_error(const SweepPlan& plan) {
  RunExecutor executor("", false);
  try {
    executor.check_runs(plan.runs);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

// The autoencoder rejects softmax outputs only when it builds a member. check_runs builds one, so the
// sweep fails before training instead of with one failed run per fold.
TEST(RunExecutor, CheckRunsBuildsMembers) {
  const std::string message = check_error(plan_for({"--data", "builtin:sine", "--test-fraction", "0.3", "--model",
                                                    "mlp,autoencoder", "--output", "softmax", "--epochs", "1"}));
  EXPECT_NE(message.find("model 'autoencoder' has a linear output layer"), std::string::npos) << message;
}

TEST(RunExecutor, CheckRunsNeedsSoftmaxForClassification) {
  const std::string message =
      check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--output", "sigmoid", "--epochs", "1"}));
  EXPECT_NE(message.find("classification needs members with softmax outputs"), std::string::npos) << message;
  EXPECT_NE(message.find("sigmoid"), std::string::npos) << message;
}

// An autoencoder reconstructs its inputs, a regression, whatever the dataset's task.
TEST(RunExecutor, AutoencoderTrainsOnClassificationData) {
  const SweepPlan plan = plan_for({"--data", "builtin:parity", "--bits", "4", "--folds", "2", "--model",
                                   "autoencoder", "--hidden", "3", "--epochs", "2"});
  RunExecutor executor("", false);
  ASSERT_NO_THROW(executor.check_runs(plan.runs));
  const RunRecord record = executor.execute(plan.runs.front());
  EXPECT_EQ(record.status, RunStatus::complete) << record.message;
  EXPECT_TRUE(record.label_names.empty());
  EXPECT_EQ(record.metrics.train_error_rate.rows(), 0u);
  EXPECT_EQ(record.metrics.train_nrmse.rows(), 2u);
}

TEST(RunExecutor, AutoencoderRejectsCrossEntropy) {
  const std::string message = check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--model",
                                                    "autoencoder", "--loss", "ce", "--epochs", "1"}));
  EXPECT_NE(message.find("--loss ce"), std::string::npos) << message;
  EXPECT_NE(message.find("reconstructs its inputs"), std::string::npos) << message;
}

}  // namespace
}  // namespace nclab
