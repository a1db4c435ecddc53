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
// sweep fails before training instead of with one failed run per fold. The data are a classification,
// where the mlp runs take softmax outputs.
TEST(RunExecutor, CheckRunsBuildsMembers) {
  const std::string message = check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--model",
                                                    "mlp,autoencoder", "--output", "softmax", "--epochs", "1"}));
  EXPECT_NE(message.find("model 'autoencoder' has a linear output layer"), std::string::npos) << message;
}

TEST(RunExecutor, CheckRunsNeedsSoftmaxForClassification) {
  const std::string message =
      check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--output", "sigmoid", "--epochs", "1"}));
  EXPECT_NE(message.find("classification needs members with softmax outputs"), std::string::npos) << message;
  EXPECT_NE(message.find("sigmoid"), std::string::npos) << message;
}

// A softmax over the one output column of a regression outputs 1 for every pattern, so it cannot learn.
TEST(RunExecutor, CheckRunsRejectsSoftmaxForRegression) {
  for (const std::string model : {"mlp", "perceptron"}) {
    SCOPED_TRACE(model);
    const std::string message = check_error(plan_for(
        {"--data", "builtin:sine", "--test-fraction", "0.3", "--model", model, "--output", "softmax", "--epochs", "1"}));
    EXPECT_NE(message.find("--output softmax cannot fit a regression target"), std::string::npos) << message;
    EXPECT_NE(message.find("with one output column every output is 1"), std::string::npos) << message;
    EXPECT_NE(message.find("Use --output identity"), std::string::npos) << message;
  }
}

// --task regression turns the parity labels into a regression target, which softmax cannot fit either,
// while the same data as a classification take softmax outputs.
TEST(RunExecutor, SoftmaxFollowsTheTaskOfEachRun) {
  EXPECT_EQ(check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--output", "softmax", "--epochs", "1"})),
            "");
  const std::string message = check_error(plan_for({"--data", "builtin:parity", "--folds", "2", "--task",
                                                    "classification,regression", "--output", "softmax", "--epochs",
                                                    "1"}));
  EXPECT_NE(message.find("--output softmax cannot fit a regression target"), std::string::npos) << message;
}

TEST(RunExecutor, IdentityAndSigmoidOutputsFitRegression) {
  EXPECT_EQ(check_error(plan_for({"--data", "builtin:sine", "--test-fraction", "0.3", "--output",
                                  "auto,identity,sigmoid", "--epochs", "1"})),
            "");
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
