// Crash safety of the result store with real processes. A helper writes records slowly and the test
// kills it with SIGKILL at random moments. The test then checks that the file opens (HDF5 C API and
// h5py) and that every run reported as stored is intact, either listed in the index or in a complete
// per-run file. Finally a resumed sweep must train none of those runs again and must end with the
// same datasets as an uninterrupted one. NCLAB_LONG_TESTS=1 raises the number of kills from 4 to 24,
// and NCLAB_CRASH_SEED picks the moments.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/allocation_counter.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "framework/results/sweep_file.hpp"
#include "tests/framework/results/record_fixtures.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

using Clock = std::chrono::steady_clock;
using test::TemporaryFolder;

constexpr std::size_t kRuns = 12;
constexpr int kDelayMs = 15;
constexpr int kPatterns = 2000;  // 3 x 2000 x 2 test outputs: each run file takes a few milliseconds

bool long_tests() {
  const char* value = std::getenv("NCLAB_LONG_TESTS");
  return value != nullptr && std::string(value) == "1";
}

struct HelperResult {
  int exit_status = -1;      // -1 when killed
  bool killed = false;
  std::string output;        // everything the helper printed
  std::set<std::string> stored;  // run ids reported as durable
  bool saw_consolidation = false;
  double seconds = 0;
  long max_rss_kib = 0;
};

// Arguments of the helper. `index_interval_ms` -1 keeps the StoreOptions default; `stop_after` >= 0
// makes the helper store that many runs and then wait to be killed.
std::vector<std::string> helper_arguments(const std::filesystem::path& file, bool resume, std::size_t runs,
                                          int delay_ms, int patterns, long index_interval_ms = -1,
                                          long stop_after = -1) {
  std::vector<std::string> arguments = {NCLAB_RESULTS_CRASH_WRITER, "--out", file.string(), "--runs",
                                        std::to_string(runs), "--delay-ms", std::to_string(delay_ms),
                                        "--patterns", std::to_string(patterns)};
  if (resume) arguments.push_back("--resume");
  if (index_interval_ms >= 0) {
    arguments.push_back("--index-interval-ms");
    arguments.push_back(std::to_string(index_interval_ms));
  }
  if (stop_after >= 0) {
    arguments.push_back("--stop-after");
    arguments.push_back(std::to_string(stop_after));
  }
  return arguments;
}

// Runs the helper. With `kill_after`, sends SIGKILL that long after the start; with
// `kill_after_consolidation_starts`, that long after the helper logs the start of consolidation; with
// `kill_on_waiting`, as soon as the helper prints "waiting" (see --stop-after).
HelperResult run_helper(const std::vector<std::string>& arguments, const std::filesystem::path& stderr_file,
                        std::optional<std::chrono::microseconds> kill_after = std::nullopt,
                        std::optional<std::chrono::microseconds> kill_after_consolidation_starts = std::nullopt,
                        bool kill_on_waiting = false) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_ends[1], STDOUT_FILENO);
    const int error_fd = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (error_fd >= 0) ::dup2(error_fd, STDERR_FILENO);
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    std::vector<char*> argv;
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_ends[1]);

  HelperResult result;
  std::optional<Clock::time_point> deadline;
  if (kill_after) deadline = start + *kill_after;
  char buffer[4096];
  for (;;) {
    int timeout_ms = -1;
    if (deadline && !result.killed) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::max<long long>(0, left));
    }
    pollfd descriptor{pipe_ends[0], POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, timeout_ms);
    if (ready == 0 && !result.killed) {
      ::kill(pid, SIGKILL);
      result.killed = true;
      continue;
    }
    const ssize_t count = ::read(pipe_ends[0], buffer, sizeof buffer);
    if (count <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(count));
    if (!result.saw_consolidation && result.output.find("log consolidating") != std::string::npos) {
      result.saw_consolidation = true;
      if (kill_after_consolidation_starts && !result.killed) deadline = Clock::now() + *kill_after_consolidation_starts;
    }
    if (kill_on_waiting && !result.killed && result.output.find("waiting\n") != std::string::npos) {
      ::kill(pid, SIGKILL);
      result.killed = true;
    }
  }
  ::close(pipe_ends[0]);

  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.max_rss_kib = usage.ru_maxrss;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.killed = result.killed && WIFSIGNALED(status);

  std::istringstream lines(result.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("stored ", 0) == 0) result.stored.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return result;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// The reference's datasets and attributes of run `run_id` ("/runs/<run_id>/...").
test::Hdf5Dump reference_run(const test::Hdf5Dump& reference, const std::string& run_id) {
  return test::filter_dump(reference, "/runs/" + run_id);
}

// The per-run file of `run_id` beside `file`, dumped with its keys renamed from "/run/..." to
// "/runs/<run_id>/..." so that it compares with reference_run().
test::Hdf5Dump dump_part_file(const std::filesystem::path& file, const std::string& run_id) {
  const std::filesystem::path part = file.string() + ".parts/" + run_id + ".h5";
  test::Hdf5Dump renamed;
  for (const auto& [key, value] : test::filter_dump(test::dump_hdf5(part), "/run")) {
    renamed["/runs/" + run_id + key.substr(4)] = value;
  }
  return renamed;
}

// Checks a file left by a killed helper against the uninterrupted reference: it opens, and every run
// it lists as stored has exactly the reference's datasets. Every run the helper reported as stored is
// either listed or has a per-run file with exactly the reference's datasets, which a resume adopts.
void check_killed_file(const std::filesystem::path& file, const HelperResult& killed, const test::Hdf5Dump& reference) {
  if (!std::filesystem::exists(file)) {
    EXPECT_TRUE(killed.stored.empty()) << "runs were reported stored but the file is missing";
    return;
  }
  SweepIndex index;
  ASSERT_NO_THROW(index = read_sweep_index(file)) << "the file does not open after the kill";
  std::set<std::string> listed;
  for (std::size_t r = 0; r < index.grid.size(); ++r) {
    if (index.status[r] != StoredStatus::pending) listed.insert(index.grid[r].run_id);
  }
  for (const std::string& run_id : killed.stored) {
    if (listed.contains(run_id)) continue;
    ASSERT_EQ(index.layout, kLayoutIndex) << "reported run " << run_id << " is missing from a consolidated file";
    EXPECT_EQ(test::dump_difference(reference_run(reference, run_id), dump_part_file(file, run_id)), "")
        << "reported run " << run_id << " is neither listed nor in a complete per-run file";
  }

  const test::Hdf5Dump c_api = test::dump_hdf5(file);
  for (const std::string& run_id : listed) {
    const std::string prefix = "/runs/" + run_id;
    EXPECT_EQ(test::dump_difference(reference_run(reference, run_id), test::filter_dump(c_api, prefix)), "")
        << "run " << run_id;
  }
  if (test::python_has_h5py()) {
    const test::Hdf5Dump h5py = test::dump_with_h5py(file);
    for (const std::string& run_id : listed) {
      const std::string prefix = "/runs/" + run_id;
      EXPECT_EQ(test::dump_difference(reference_run(reference, run_id), test::filter_dump(h5py, prefix)), "")
          << "run " << run_id << " read by h5py";
    }
  }
}

// Checks that no run reported stored by an earlier session was stored again by `later`: a resume must
// keep (or adopt) every durable complete run instead of training it again.
void expect_no_run_stored_twice(const std::set<std::string>& earlier, const HelperResult& later) {
  for (const std::string& run_id : later.stored) {
    EXPECT_FALSE(earlier.contains(run_id)) << "run " << run_id << " was reported stored before the kill and stored again";
  }
}

// Checks a finished file against the reference: same grid, runs and configuration, consolidated.
void expect_same_as_reference(const std::filesystem::path& file, const test::Hdf5Dump& reference) {
  const test::Hdf5Dump final_dump = test::dump_hdf5(file);
  for (const std::string prefix : {"/grid", "/runs", "/configuration"}) {
    EXPECT_EQ(test::dump_difference(test::filter_dump(reference, prefix), test::filter_dump(final_dump, prefix)), "")
        << prefix;
  }
  EXPECT_EQ(read_sweep_index(file).layout, kLayoutConsolidated);
}

class ResultStoreCrash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_folder_ = new TemporaryFolder();
    const auto file = *reference_folder_ / "reference.h5";
    const HelperResult result =
        run_helper(helper_arguments(file, false, kRuns, kDelayMs, kPatterns), *reference_folder_ / "stderr.txt");
    ASSERT_EQ(result.exit_status, 0) << read_text(*reference_folder_ / "stderr.txt");
    reference_seconds_ = result.seconds;
    reference_ = new test::Hdf5Dump(test::dump_hdf5(file));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete reference_folder_;
  }

  static TemporaryFolder* reference_folder_;
  static test::Hdf5Dump* reference_;
  static double reference_seconds_;
};

TemporaryFolder* ResultStoreCrash::reference_folder_ = nullptr;
test::Hdf5Dump* ResultStoreCrash::reference_ = nullptr;
double ResultStoreCrash::reference_seconds_ = 0;

TEST_F(ResultStoreCrash, SigkillAtRandomMomentsThenResume) {
  ASSERT_NE(reference_, nullptr);
  const char* seed_text = std::getenv("NCLAB_CRASH_SEED");
  const unsigned seed = seed_text != nullptr ? static_cast<unsigned>(std::stoul(seed_text)) : 20261204u;
  std::mt19937 random(seed);
  const int trials = long_tests() ? 24 : 4;
  const auto span = std::chrono::microseconds(static_cast<long long>(reference_seconds_ * 1.2e6));
  std::uniform_int_distribution<long long> moment(0, span.count());
  std::uniform_int_distribution<long long> consolidation_moment(0, 60000);

  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial) + " of NCLAB_CRASH_SEED=" + std::to_string(seed));
    TemporaryFolder folder;
    const auto file = folder / "results.h5";
    // Most trials keep the default index interval, so the index lags behind the run files and the
    // resume has to adopt them. Every fourth trial rewrites the index after each batch.
    const long interval_ms = trial % 4 == 3 ? 0 : -1;

    // Every third trial kills during consolidation; the others at a uniformly random moment.
    HelperResult killed;
    if (trial % 3 == 2) {
      killed = run_helper(helper_arguments(file, false, kRuns, kDelayMs, kPatterns, interval_ms), folder / "stderr.txt",
                          std::nullopt, std::chrono::microseconds(consolidation_moment(random)));
    } else {
      killed = run_helper(helper_arguments(file, false, kRuns, kDelayMs, kPatterns, interval_ms), folder / "stderr.txt",
                          std::chrono::microseconds(moment(random)));
    }
    check_killed_file(file, killed, *reference_);
    std::set<std::string> stored_before = killed.stored;

    // Half of the trials kill the resumed session too.
    const bool can_resume = std::filesystem::exists(file);
    if (can_resume && trial % 2 == 1) {
      const HelperResult killed_again =
          run_helper(helper_arguments(file, true, kRuns, kDelayMs, kPatterns, interval_ms), folder / "stderr.txt",
                     std::chrono::microseconds(moment(random) / 2));
      check_killed_file(file, killed_again, *reference_);
      expect_no_run_stored_twice(stored_before, killed_again);
      stored_before.insert(killed_again.stored.begin(), killed_again.stored.end());
    }

    const HelperResult finished = run_helper(
        helper_arguments(file, std::filesystem::exists(file), kRuns, kDelayMs, kPatterns), folder / "stderr.txt");
    ASSERT_EQ(finished.exit_status, 0) << read_text(folder / "stderr.txt");
    EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));
    expect_no_run_stored_twice(stored_before, finished);
    expect_same_as_reference(file, *reference_);
  }
}

// A kill after runs were durable in their own files but before the index listed them: the resume
// adopts those runs instead of training them again.
TEST_F(ResultStoreCrash, ResumeAdoptsRunFilesMissingFromIndex) {
  ASSERT_NE(reference_, nullptr);
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  constexpr long kStored = 5;
  // An hour-long index interval: the index written at creation is the only one before the kill.
  const HelperResult killed = run_helper(helper_arguments(file, false, kRuns, 0, kPatterns, 3600000, kStored),
                                         folder / "stderr.txt", std::nullopt, std::nullopt, true);
  ASSERT_TRUE(killed.killed) << killed.output << read_text(folder / "stderr.txt");
  ASSERT_EQ(killed.stored.size(), static_cast<std::size_t>(kStored)) << killed.output;

  const SweepIndex index = read_sweep_index(file);
  for (StoredStatus status : index.status) EXPECT_EQ(status, StoredStatus::pending);
  check_killed_file(file, killed, *reference_);

  const HelperResult finished =
      run_helper(helper_arguments(file, true, kRuns, 0, kPatterns), folder / "stderr.txt");
  ASSERT_EQ(finished.exit_status, 0) << read_text(folder / "stderr.txt");
  EXPECT_EQ(finished.stored.size(), kRuns - kStored);
  expect_no_run_stored_twice(killed.stored, finished);
  EXPECT_NE(finished.output.find("log adopted 5 runs"), std::string::npos) << finished.output;
  expect_same_as_reference(file, *reference_);
}

// Per-run files that are not complete records of their run are discarded on resume, and those runs
// are trained again: a truncated file, a file that is not HDF5 and another run's file.
TEST_F(ResultStoreCrash, ResumeRerunsDamagedRunFiles) {
  ASSERT_NE(reference_, nullptr);
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  constexpr long kStored = 6;
  const HelperResult killed = run_helper(helper_arguments(file, false, kRuns, 0, kPatterns, 3600000, kStored),
                                         folder / "stderr.txt", std::nullopt, std::nullopt, true);
  ASSERT_TRUE(killed.killed) << killed.output << read_text(folder / "stderr.txt");
  ASSERT_EQ(killed.stored.size(), static_cast<std::size_t>(kStored)) << killed.output;

  const std::vector<std::string> ids(killed.stored.begin(), killed.stored.end());
  const auto part = [&](const std::string& run_id) { return folder / "results.h5.parts" / (run_id + ".h5"); };
  std::filesystem::resize_file(part(ids[0]), std::filesystem::file_size(part(ids[0])) / 2);
  std::ofstream(part(ids[1]), std::ios::trunc) << "not an HDF5 file";
  std::filesystem::copy_file(part(ids[3]), part(ids[2]), std::filesystem::copy_options::overwrite_existing);
  const std::set<std::string> damaged = {ids[0], ids[1], ids[2]};

  const HelperResult finished =
      run_helper(helper_arguments(file, true, kRuns, 0, kPatterns), folder / "stderr.txt");
  ASSERT_EQ(finished.exit_status, 0) << read_text(folder / "stderr.txt");
  EXPECT_EQ(finished.stored.size(), kRuns - kStored + damaged.size());
  for (const std::string& run_id : damaged) {
    EXPECT_TRUE(finished.stored.contains(run_id)) << "damaged run " << run_id << " was not trained again";
    EXPECT_NE(finished.output.find("log discarding per-run file '" + part(run_id).string() + "'"), std::string::npos)
        << finished.output;
  }
  std::set<std::string> intact;
  for (const std::string& run_id : ids) {
    if (!damaged.contains(run_id)) intact.insert(run_id);
  }
  expect_no_run_stored_twice(intact, finished);
  expect_same_as_reference(file, *reference_);
}

TEST_F(ResultStoreCrash, MemoryStaysFlatWithManyRuns) {
  // AddressSanitizer keeps freed memory in quarantine, so peak RSS grows with the work done.
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds change memory use";
  TemporaryFolder folder;
  const std::size_t many = long_tests() ? 1000 : 200;
  const HelperResult small =
      run_helper(helper_arguments(folder / "small.h5", false, 10, 0, 8), folder / "stderr.txt");
  const HelperResult large =
      run_helper(helper_arguments(folder / "large.h5", false, many, 0, 8), folder / "stderr.txt");
  ASSERT_EQ(small.exit_status, 0) << read_text(folder / "stderr.txt");
  ASSERT_EQ(large.exit_status, 0) << read_text(folder / "stderr.txt");
  EXPECT_EQ(large.stored.size(), many);

  // The writer keeps only the grid and one status and location per run, never the records.
  RecordProperty("max_rss_kib_10_runs", std::to_string(small.max_rss_kib));
  RecordProperty("max_rss_kib_many_runs", std::to_string(large.max_rss_kib));
  EXPECT_LT(large.max_rss_kib, small.max_rss_kib + 16 * 1024)
      << small.max_rss_kib << " KiB for 10 runs, " << large.max_rss_kib << " KiB for " << many << " runs";
}

}  // namespace
}  // namespace nclab
