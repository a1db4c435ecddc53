// Runs that fail while training, through the nclab binary. Every invalid setting is rejected before
// training starts (exit status 2), so the failure here comes from a model plugin whose forward()
// raises, as a plugin with a bug would. A failed run is reported on stderr when it happens and again
// in a list at the end, the sweep goes on unless --fail-fast, and the exit status is 1.

#include <gtest/gtest.h>

#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

// failing-mlp comes first in the grid, so its 3 folds are runs 0 to 2 and the mlp folds runs 3 to 5.
std::vector<std::string> failing_sweep(const std::filesystem::path& file) {
  return {"sweep", "--plugin", NCLAB_FAILING_PLUGIN_PATH, "--model", "failing-mlp,mlp", "--data",
          "builtin:mackey-glass", "--folds", "3", "--members", "2", "--hidden", "3", "--epochs", "2", "--threads",
          "1", "--progress", "never", "--out", file.string()};
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::map<std::string, std::size_t> status_counts(const std::filesystem::path& file) {
  std::map<std::string, std::size_t> counts;
  for (const StoredRun& run : stored_runs(file)) ++counts[run.status];
  return counts;
}

TEST(FailedRuns, SweepContinuesAndExitsOne) {
  ScratchFolder folder("failed");
  const auto file = folder / "failed.h5";
  const ProcessResult result = run_nclab(failing_sweep(file));
  EXPECT_EQ(result.exit_status, 1) << result.describe();
  EXPECT_NE(result.out.find("6 runs: 0 stored before, 3 complete, 0 diverged, 3 failed"), std::string::npos)
      << result.out;
  EXPECT_EQ(count_of(result.err, "run failed: failing-mlp: forward() raises on purpose"), 3u) << result.err;

  // The list at the end names each failed run by index and id, after every log line.
  const auto list = result.err.find("failed runs:\n");
  ASSERT_NE(list, std::string::npos) << result.err;
  const std::string tail = result.err.substr(list);
  for (const std::string index : {"0", "1", "2"}) {
    EXPECT_NE(tail.find("  run " + index + " ("), std::string::npos) << tail;
  }
  EXPECT_EQ(tail.find("  run 3 ("), std::string::npos) << tail;
  EXPECT_EQ(count_of(tail, "\n"), 4u) << "the list is the last thing on stderr:\n" << tail;

  for (const StoredRun& run : stored_runs(file)) {
    EXPECT_EQ(run.status, run.settings.at("model") == "mlp" ? "complete" : "failed") << run.run_id;
    if (run.status != "failed") continue;
    const auto contents = hdf5_contents(file, "/runs/" + run.run_id);
    EXPECT_NE(decode_strings(contents.at("/@message")).front().find("forward() raises"), std::string::npos);
    EXPECT_NE(result.err.find("(" + run.run_id + "): failing-mlp"), std::string::npos) << run.run_id;
  }

  // Failed runs are not final: a resumed sweep runs exactly those again, and they fail again.
  std::vector<std::string> resume = failing_sweep(file);
  resume.push_back("--resume");
  const ProcessResult resumed = run_nclab(resume);
  EXPECT_EQ(resumed.exit_status, 1) << resumed.describe();
  EXPECT_NE(resumed.out.find("6 runs: 3 stored before, 0 complete, 0 diverged, 3 failed"), std::string::npos)
      << resumed.out;
}

TEST(FailedRuns, FailFastStopsAtFirstFailure) {
  ScratchFolder folder("fail-fast");
  const auto file = folder / "fail-fast.h5";
  std::vector<std::string> args = failing_sweep(file);
  args.push_back("--fail-fast");
  const ProcessResult result = run_nclab(args);
  EXPECT_EQ(result.exit_status, 1) << result.describe();
  EXPECT_NE(result.out.find("0 complete, 0 diverged, 1 failed, 5 not started (--fail-fast)"), std::string::npos)
      << result.out;
  EXPECT_EQ(count_of(result.err, "run failed:"), 1u) << result.err;
  EXPECT_NE(result.err.find("failed runs:\n  run 0 ("), std::string::npos) << result.err;

  const std::map<std::string, std::size_t> counts = status_counts(file);
  EXPECT_EQ(counts.count("failed") ? counts.at("failed") : 0, 1u);
  EXPECT_EQ(counts.count("pending") ? counts.at("pending") : 0, 5u);

  // The runs that never started run on --resume.
  std::vector<std::string> resume = failing_sweep(file);
  resume.push_back("--resume");
  const ProcessResult resumed = run_nclab(resume);
  EXPECT_EQ(resumed.exit_status, 1) << resumed.describe();
  EXPECT_NE(resumed.out.find("6 runs: 0 stored before, 3 complete, 0 diverged, 3 failed"), std::string::npos)
      << resumed.out;
}

TEST(FailedRuns, TrainExitsOneAndListsFailure) {
  const ProcessResult result =
      run_nclab({"train", "--plugin", NCLAB_FAILING_PLUGIN_PATH, "--model", "failing-mlp", "--data",
                 "builtin:mackey-glass", "--epochs", "1", "--log-level", "warning"});
  EXPECT_EQ(result.exit_status, 1) << result.describe();
  EXPECT_NE(result.out.find("failed"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("failed runs:\n  run 0 ("), std::string::npos) << result.err;
}

// Settings that a model rejects only when it builds a member fail before any run trains, as invalid
// input with exit status 2, instead of as one failed run per fold.
TEST(FailedRuns, ModelRejectingOptionsFailsUpFront) {
  ScratchFolder folder("reject-up-front");
  const auto file = folder / "rejected.h5";
  const ProcessResult autoencoder =
      run_nclab({"sweep", "--model", "mlp,autoencoder", "--output", "softmax", "--data", "builtin:parity",
                 "--folds", "2", "--epochs", "1", "--progress", "never", "--out", file.string()});
  EXPECT_EQ(autoencoder.exit_status, 2) << autoencoder.describe();
  EXPECT_NE(autoencoder.err.find("model 'autoencoder' has a linear output layer"), std::string::npos)
      << autoencoder.err;
  EXPECT_EQ(autoencoder.err.find("run failed"), std::string::npos) << autoencoder.err;
  EXPECT_FALSE(std::filesystem::exists(file)) << "nothing is stored for a sweep rejected before training";

  const ProcessResult sigmoid = run_nclab({"train", "--output", "sigmoid", "--data", "builtin:parity", "--folds",
                                           "2", "--epochs", "1"});
  EXPECT_EQ(sigmoid.exit_status, 2) << sigmoid.describe();
  EXPECT_NE(sigmoid.err.find("classification needs members with softmax outputs"), std::string::npos) << sigmoid.err;
  EXPECT_NE(sigmoid.err.find("--output softmax"), std::string::npos) << sigmoid.err;
}

// An autoencoder reconstructs its inputs, a regression, so the dataset's classes do not matter.
TEST(FailedRuns, AutoencoderTrainsOnClassificationData) {
  const ProcessResult result = run_nclab({"train", "--model", "autoencoder", "--hidden", "3", "--code", "2", "--data",
                                          "builtin:parity", "--bits", "4", "--folds", "2", "--epochs", "2",
                                          "--log-level", "warning"});
  EXPECT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("train NRMSE"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("over 2 complete runs"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace nclab::e2e
