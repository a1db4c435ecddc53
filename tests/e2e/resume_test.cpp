// Crash safety of `nclab sweep` as a whole. The test kills the real binary with SIGKILL at random
// moments of a 30-run sweep and checks what the kill left: the file opens with the HDF5 C API and
// h5py, and every run listed as stored is intact. It then resumes and expects the file of an
// uninterrupted sweep bit for bit. NCLAB_LONG_TESTS=1 raises the kills from 3 to 24, and
// NCLAB_CRASH_SEED picks the moments.

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using Contents = std::map<std::string, std::string>;

constexpr const char* kFileName = "sweep.h5";

// 10 lambdas x 3 folds = 30 runs. Every command runs with the results folder as its working folder
// and a relative --out, so that the stored command line and configuration match between folders.
std::vector<std::string> thirty_run_sweep() {
  return {"sweep", "--data", "builtin:mackey-glass", "--folds", "3", "--members", "3", "--hidden", "6",
          "--epochs", "12", "--method", "ncl", "--lambda", "0:0.9:0.1", "--threads", "2", "--progress", "never",
          "--log-level", "warning", "--out", kFileName};
}

ProcessOptions in_folder(const std::filesystem::path& folder) {
  ProcessOptions options;
  options.working_directory = folder;
  options.timeout = std::chrono::seconds(120);
  return options;
}

std::vector<std::string> with_resume(std::vector<std::string> args) {
  args.push_back("--resume");
  return args;
}

// Entries of `contents` at or below `group`, with keys relative to it.
Contents subtree(const Contents& contents, const std::string& group) {
  Contents out;
  for (const auto& [key, value] : contents) {
    if (key.rfind(group, 0) != 0) continue;
    std::string rest = key.substr(group.size());
    if (!rest.empty() && rest.front() != '/' && rest.front() != '@') continue;
    if (rest.empty() || rest.front() == '@') rest = "/" + rest;
    out[rest] = value;
  }
  return out;
}

// Starts `nclab ARGS...` in `folder`, sends SIGKILL `delay` after the results file exists, and
// returns how the process ended (it may finish before the kill).
ProcessResult run_and_kill(const std::vector<std::string>& args, const std::filesystem::path& folder,
                           std::chrono::microseconds delay) {
  std::vector<std::string> argv = {nclab_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv, in_folder(folder));
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(folder / kFileName) && !child.finished() && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::this_thread::sleep_for(delay);
  child.send_signal(SIGKILL);
  return child.wait();
}

class SweepResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_folder_ = new ScratchFolder("resume-reference");
    const ProcessResult result = run_nclab(thirty_run_sweep(), in_folder(reference_folder_->path()));
    ASSERT_EQ(result.exit_status, 0) << result.describe();
    reference_seconds_ = result.seconds;
    reference_ = new Contents(hdf5_contents(reference_file()));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete reference_folder_;
    reference_ = nullptr;
    reference_folder_ = nullptr;
  }
  static std::filesystem::path reference_file() { return reference_folder_->path() / kFileName; }

  static ScratchFolder* reference_folder_;
  static Contents* reference_;
  static double reference_seconds_;
};

ScratchFolder* SweepResume::reference_folder_ = nullptr;
Contents* SweepResume::reference_ = nullptr;
double SweepResume::reference_seconds_ = 0;

// Checks the file a killed sweep left: it opens, and every run its grid lists as stored has exactly
// the reference's contents, read through the HDF5 C API and through h5py. Sets `stored` to the number
// of stored runs, followed by "c" when the file is consolidated.
void check_killed_file(const std::filesystem::path& file, const Contents& reference, std::string& stored) {
  Contents c_api;
  ASSERT_NO_THROW(c_api = hdf5_contents(file)) << "the HDF5 C API cannot read the file left by the kill";
  std::vector<StoredRun> runs;
  ASSERT_NO_THROW(runs = stored_runs(file));
  ASSERT_EQ(runs.size(), 30u);
  std::size_t stored_count = 0;
  for (const StoredRun& run : runs) stored_count += run.status == "pending" ? 0 : 1;
  stored = std::to_string(stored_count) + (decode_strings(c_api.at("/@layout")).front() == "index" ? "" : "c");

  Contents h5py;
  bool have_h5py = false;
  if (h5py_available()) {
    std::string error;
    have_h5py = hdf5_contents_with_h5py(file, h5py, error);
    EXPECT_TRUE(have_h5py) << "h5py cannot read the file left by the kill:\n" << error;
  }
  for (const StoredRun& run : runs) {
    const std::string group = "/runs/" + run.run_id;
    if (run.status == "pending") {
      EXPECT_FALSE(c_api.contains(group)) << "pending run " << run.run_id << " has a group";
      continue;
    }
    EXPECT_EQ(run.status, "complete") << run.run_id;
    const Contents expected = subtree(reference, group);
    EXPECT_EQ(join_lines(contents_differences(expected, subtree(c_api, group))), "") << "run " << run.run_id;
    if (have_h5py) {
      EXPECT_EQ(join_lines(contents_differences(expected, subtree(h5py, group))), "")
          << "run " << run.run_id << " read by h5py";
    }
  }
}

TEST_F(SweepResume, SigkillThenResumeMatchesUninterrupted) {
  ASSERT_NE(reference_, nullptr);
  const char* seed_text = std::getenv("NCLAB_CRASH_SEED");
  const unsigned seed = seed_text != nullptr ? static_cast<unsigned>(std::stoul(seed_text)) : 20260114u;
  std::mt19937 random(seed);
  const int trials = long_tests_requested() ? 24 : 3;
  // The kill comes up to the reference duration after the results file appears, so it lands anywhere
  // from the first runs to the consolidation at the end.
  std::uniform_int_distribution<long long> delay_us(0, static_cast<long long>(reference_seconds_ * 1e6));

  int killed = 0;
  std::string moments;
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial) + " of NCLAB_CRASH_SEED=" + std::to_string(seed));
    ScratchFolder folder("resume-trial");
    const auto file = folder / kFileName;

    const ProcessResult first = run_and_kill(thirty_run_sweep(), folder.path(), std::chrono::microseconds(delay_us(random)));
    if (first.signal == SIGKILL) {
      ++killed;
    } else {
      ASSERT_EQ(first.exit_status, 0) << first.describe();
    }

    ASSERT_TRUE(std::filesystem::exists(file)) << "the results file existed before the kill";
    std::string stored;
    check_killed_file(file, *reference_, stored);
    moments += " " + stored;

    // Every second trial kills the resumed sweep as well, before the resume that completes it.
    if (trial % 2 == 1) {
      const ProcessResult second =
          run_and_kill(with_resume(thirty_run_sweep()), folder.path(), std::chrono::microseconds(delay_us(random)));
      if (second.signal != SIGKILL) {
        ASSERT_EQ(second.exit_status, 0) << second.describe();
      }
      check_killed_file(file, *reference_, stored);
      moments += "/" + stored;
    }

    const ProcessResult resumed = run_nclab(with_resume(thirty_run_sweep()), in_folder(folder.path()));
    ASSERT_EQ(resumed.exit_status, 0) << resumed.describe();
    EXPECT_NE(resumed.out.find("30 runs:"), std::string::npos) << resumed.out;
    EXPECT_FALSE(std::filesystem::exists(folder / (std::string(kFileName) + ".parts")))
        << "the resumed sweep consolidated its file and removed the per-run folder";
    EXPECT_EQ(join_lines(contents_differences(*reference_, hdf5_contents(file))), "")
        << "the resumed file differs from the uninterrupted one";
  }
  EXPECT_GE(killed, 1) << "no trial killed the sweep before it finished; the kill moments are too late";
  // For example "runs stored at each kill: 0 7/21 19 30c". "7/21" is a kill that left 7 runs and a
  // kill of the resumed sweep that left 21, and "c" marks a consolidated file.
  std::cout << "[ SIGKILL  ] " << killed << " of " << trials << " trials killed; runs stored at each kill:" << moments
            << "\n";
}

TEST_F(SweepResume, DifferentGridRejectedFileUntouched) {
  ASSERT_NE(reference_, nullptr);
  ScratchFolder folder("resume-grid");
  const auto file = folder / kFileName;
  std::filesystem::copy_file(reference_file(), file);
  const std::string before = read_file_text(file);

  std::vector<std::string> other_grid = with_resume(thirty_run_sweep());
  for (std::size_t i = 0; i + 1 < other_grid.size(); ++i) {
    if (other_grid[i] == "--lambda") other_grid[i + 1] = "0,0.5";
  }
  const ProcessResult result = run_nclab(other_grid, in_folder(folder.path()));
  EXPECT_EQ(result.exit_status, 2) << result.describe();
  EXPECT_NE(result.err.find("cannot resume"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("30 runs but this sweep has 6"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--lambda 0:0.9:0.1"), std::string::npos)
      << "the message shows the command line the file was created with:\n" << result.err;
  EXPECT_EQ(read_file_text(file), before) << "a rejected resume changed the results file";
  EXPECT_FALSE(std::filesystem::exists(folder / (std::string(kFileName) + ".parts")))
      << "a rejected resume left a per-run folder beside the file";
}

TEST_F(SweepResume, SameSizeDifferentGridRejected) {
  ASSERT_NE(reference_, nullptr);
  ScratchFolder folder("resume-same-size");
  const auto file = folder / kFileName;
  std::filesystem::copy_file(reference_file(), file);
  const std::string before = read_file_text(file);

  std::vector<std::string> other_grid = with_resume(thirty_run_sweep());
  for (std::size_t i = 0; i + 1 < other_grid.size(); ++i) {
    if (other_grid[i] == "--epochs") other_grid[i + 1] = "13";
  }
  const ProcessResult result = run_nclab(other_grid, in_folder(folder.path()));
  EXPECT_EQ(result.exit_status, 2) << result.describe();
  EXPECT_NE(result.err.find("grid differs"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("epochs = '12' in the file, '13' now"), std::string::npos) << result.err;
  EXPECT_EQ(read_file_text(file), before) << "a rejected resume changed the results file";
}

}  // namespace
}  // namespace nclab::e2e
