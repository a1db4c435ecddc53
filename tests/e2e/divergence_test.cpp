// Diverging runs through the nclab binary. A diverged run is a result, not a failure. It is stored
// with status diverged, the epoch whose loss or parameters stopped being finite and the parameters of
// the last finite epoch. The other runs go on, and the exit status stays 0.

#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <sstream>

#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

// gamma 1 is above the stable bound M / (2M - 2) = 0.75 of 3 members: those runs diverge after a few
// epochs, while gamma 0.5 trains normally.
std::vector<std::string> diverging_sweep(const std::filesystem::path& file) {
  return {"--data", "builtin:mackey-glass", "--folds", "3", "--members", "3", "--hidden", "4", "--epochs", "20",
          "--method", "ncl-exact", "--gamma", "0.5,1", "--allow-unstable", "--threads", "2", "--progress", "never",
          "--out", file.string()};
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(Divergence, DivergedRunsStoredExitZero) {
  ScratchFolder folder("diverge");
  const auto file = folder / "diverge.h5";
  const ProcessResult result = run_nclab(with({"sweep"}, diverging_sweep(file)));
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("6 runs: 0 stored before, 3 complete, 3 diverged, 0 failed"), std::string::npos)
      << result.out;
  EXPECT_EQ(count_of(result.err, "run diverged: training diverged in epoch "), 3u) << result.err;
  EXPECT_EQ(result.err.find("failed runs"), std::string::npos) << result.err;

  const auto contents = hdf5_contents(file);
  for (const StoredRun& run : stored_runs(file)) {
    SCOPED_TRACE("run " + run.run_id + " with gamma " + run.settings.at("gamma"));
    const std::string group = "/runs/" + run.run_id;
    const std::string status = decode_strings(contents.at(group + "@status")).front();
    const long long diverged_epoch = decode_integers(contents.at(group + "@diverged_epoch")).front();
    const long long epochs = decode_integers(contents.at(group + "@epochs_completed")).front();
    const std::vector<std::size_t> loss_shape = entry_shape(contents.at(group + "/metrics/train_loss"));
    ASSERT_EQ(loss_shape.size(), 2u);
    EXPECT_EQ(static_cast<long long>(loss_shape[0]), epochs) << "one metrics row per completed epoch";
    EXPECT_EQ(run.status, status) << "the grid and the run group agree";
    if (run.settings.at("gamma") == "0.5") {
      EXPECT_EQ(status, "complete");
      EXPECT_EQ(diverged_epoch, -1);
      EXPECT_EQ(epochs, 20);
      continue;
    }
    EXPECT_EQ(status, "diverged");
    EXPECT_GE(diverged_epoch, 1) << "gamma 1 trains a few finite epochs first";
    EXPECT_LT(diverged_epoch, 20);
    EXPECT_EQ(epochs, diverged_epoch) << "the diverged epoch is the first one not completed";
    const std::string message = decode_strings(contents.at(group + "@message")).front();
    EXPECT_NE(message.find("diverged in epoch " + std::to_string(diverged_epoch)), std::string::npos) << message;
    for (const double value : decode_doubles(contents.at(group + "/members/0/layer1/weights"))) {
      ASSERT_TRUE(std::isfinite(value)) << "the stored parameters are those of the last finite epoch";
    }
    for (const double value : decode_doubles(contents.at(group + "/metrics/train_loss"))) {
      ASSERT_TRUE(std::isfinite(value)) << "the stored metrics stop at the last finite epoch";
    }
  }

  // Diverged runs are final: a resumed sweep keeps them and runs nothing again.
  const ProcessResult resumed = run_nclab(with(with({"sweep"}, diverging_sweep(file)), {"--resume"}));
  EXPECT_EQ(resumed.exit_status, 0) << resumed.describe();
  EXPECT_NE(resumed.out.find("6 runs: 6 stored before, 0 complete, 0 diverged, 0 failed"), std::string::npos)
      << resumed.out;

  const ProcessResult inspect = run_nclab({"inspect", file.string()});
  ASSERT_EQ(inspect.exit_status, 0) << inspect.describe();
  std::istringstream lines(inspect.out);
  std::string line;
  std::vector<std::string> unstable_row;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> row{std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>()};
    if (row.size() > 3 && row[1] == "1") unstable_row = row;
  }
  ASSERT_GE(unstable_row.size(), 4u) << "no row for gamma 1:\n" << inspect.out;
  EXPECT_EQ(unstable_row[2], "0/3") << "runs column: 0 of 3 complete\n" << inspect.out;
  EXPECT_EQ(unstable_row[3], "3") << "diverged column\n" << inspect.out;
}

TEST(Divergence, TrainReportsDivergedRunExitZero) {
  const ProcessResult result =
      run_nclab({"train", "--data", "builtin:mackey-glass", "--members", "3", "--hidden", "4", "--epochs", "20",
                 "--method", "ncl-exact", "--gamma", "1", "--allow-unstable", "--log-level", "warning"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.out.find("diverged"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("over 0 complete runs"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("run diverged"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace nclab::e2e
