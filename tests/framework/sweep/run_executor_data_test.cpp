#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/core/error.hpp"
#include "framework/sweep/plan.hpp"
#include "framework/sweep/run_executor.hpp"

namespace nclab {
namespace {

namespace fs = std::filesystem;

class RunExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::path(::testing::TempDir()) / ("nclab_executor_" + std::to_string(::getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Writes rows "x1,x2,label" where the label is 1 when x1 + x2 > 1.
  void write_file(const std::string& name, std::size_t rows, std::size_t offset, const std::string& extra = "") {
    std::ofstream file(folder_ / name);
    for (std::size_t i = 0; i < rows; ++i) {
      const double x1 = static_cast<double>((i + offset) % 7) / 7.0;
      const double x2 = static_cast<double>((i * 3 + offset) % 5) / 5.0;
      file << x1 << "," << x2 << "," << (x1 + x2 > 1 ? "yes" : "no") << "\n";
    }
    file << extra;
  }

  SweepPlan plan(const std::vector<std::string>& args) {
    const auto table = training_options();
    return expand_grid(parse_training_options("sweep", args, table, true), table);
  }

  fs::path folder_;
};

TEST_F(RunExecutorTest, TestFileBecomesTheTestPart) {
  write_file("train.csv", 60, 0);
  write_file("test.csv", 25, 3);
  const SweepPlan sweep = plan({"--data", "train.csv", "--test-data", "test.csv", "--epochs", "2", "--hidden", "3"});
  ASSERT_EQ(sweep.runs.size(), 1u);
  RunExecutor executor(folder_.string(), false);
  executor.check_runs(sweep.runs);
  const RunRecord record = executor.execute(sweep.runs[0]);
  ASSERT_EQ(record.test_outputs.size(), 1u);
  EXPECT_EQ(record.test_outputs[0].rows(), 25u);
  EXPECT_EQ(record.label_names, (std::vector<std::string>{"no", "yes"}));
}

TEST_F(RunExecutorTest, TestFileClassUnknownToTrainingIsRejected) {
  write_file("train.csv", 60, 0);
  write_file("test.csv", 25, 3, "0.5,0.5,maybe\n");
  const SweepPlan sweep = plan({"--data", "train.csv", "--test-data", "test.csv", "--epochs", "1"});
  RunExecutor executor(folder_.string(), false);
  try {
    executor.check_runs(sweep.runs);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'maybe'"), std::string::npos) << message;
    EXPECT_NE(message.find("line 26"), std::string::npos) << message;
  }
}

TEST_F(RunExecutorTest, FoldsWithTestFileAreRejected) {
  write_file("train.csv", 60, 0);
  write_file("test.csv", 25, 3);
  const SweepPlan sweep = plan({"--data", "train.csv", "--test-data", "test.csv", "--folds", "3"});
  RunExecutor executor(folder_.string(), false);
  EXPECT_THROW(executor.check_runs(sweep.runs), InputError);
}

TEST_F(RunExecutorTest, FoldsWithTestFractionAreRejected) {
  const SweepPlan sweep = plan({"--data", "builtin:sine", "--folds", "5", "--test-fraction", "0.3"});
  RunExecutor executor("", false);
  EXPECT_THROW(executor.check_runs(sweep.runs), InputError);
}

TEST_F(RunExecutorTest, StreamKeyIgnoresPenaltySettings) {
  const SweepPlan sweep = plan({"--data", "builtin:sine", "--method", "independent,ncl", "--lambda", "0.5"});
  ASSERT_EQ(sweep.runs.size(), 2u);
  EXPECT_EQ(RunExecutor::stream_key(sweep.runs[0]), RunExecutor::stream_key(sweep.runs[1]));
  EXPECT_NE(sweep.runs[0].run_id, sweep.runs[1].run_id);
}

// The random streams depend on a data file's name but not on its folder. So one file reached by two
// paths trains from the same weights.
TEST_F(RunExecutorTest, StreamKeyUsesDataFileName) {
  const SweepPlan sweep = plan({"--data", "australian.dat,/some/folder/australian.dat,./sub/australian.dat,other.dat"});
  ASSERT_EQ(sweep.runs.size(), 4u);
  EXPECT_EQ(RunExecutor::stream_key(sweep.runs[0]), RunExecutor::stream_key(sweep.runs[1]));
  EXPECT_EQ(RunExecutor::stream_key(sweep.runs[0]), RunExecutor::stream_key(sweep.runs[2]));
  EXPECT_NE(RunExecutor::stream_key(sweep.runs[0]), RunExecutor::stream_key(sweep.runs[3]));
}

TEST_F(RunExecutorTest, StreamKeyDependsOnFold) {
  const SweepPlan sweep = plan({"--data", "builtin:sine", "--folds", "2"});
  ASSERT_EQ(sweep.runs.size(), 2u);
  EXPECT_NE(RunExecutor::stream_key(sweep.runs[0]), RunExecutor::stream_key(sweep.runs[1]));
}

TEST_F(RunExecutorTest, CrossEntropyNeedsClassification) {
  const SweepPlan sweep = plan({"--data", "builtin:sine", "--loss", "ce"});
  RunExecutor executor("", false);
  EXPECT_THROW(executor.check_runs(sweep.runs), InputError);
}

TEST_F(RunExecutorTest, AutoencoderGetsIdentityOutputs) {
  write_file("train.csv", 40, 0);
  const SweepPlan sweep = plan({"--data", "train.csv", "--model", "autoencoder", "--hidden", "4", "--code", "1",
                                "--epochs", "2", "--test-fraction", "0.25"});
  RunExecutor executor(folder_.string(), false);
  const TrainingConfig config = executor.training_config(sweep.runs[0], Task::classification);
  EXPECT_EQ(config.output_activation, Activation::identity);
  const RunRecord record = executor.execute(sweep.runs[0]);
  EXPECT_EQ(record.status, RunStatus::complete);
  ASSERT_FALSE(record.test_outputs.empty());
  EXPECT_EQ(record.test_outputs[0].cols(), 2u);  // reconstructs both inputs
}

}  // namespace
}  // namespace nclab
