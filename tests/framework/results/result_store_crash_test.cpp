// Crash safety of the result store with real processes. A helper writes records slowly and the test
// kills it with SIGKILL at random moments. The test then checks that the file opens (HDF5 C API and
// h5py) and that every run reported as stored is intact. Finally a resumed sweep must end with the
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

std::vector<std::string> helper_arguments(const std::filesystem::path& file, bool resume, std::size_t runs,
                                          int delay_ms, int patterns) {
  std::vector<std::string> arguments = {NCLAB_RESULTS_CRASH_WRITER, "--out", file.string(), "--runs",
                                        std::to_string(runs), "--delay-ms", std::to_string(delay_ms),
                                        "--patterns", std::to_string(patterns)};
  if (resume) arguments.push_back("--resume");
  return arguments;
}

// Runs the helper. With `kill_after`, sends SIGKILL that long after the start; with
// `kill_after_consolidation_starts`, that long after the helper logs the start of consolidation.
HelperResult run_helper(const std::vector<std::string>& arguments, const std::filesystem::path& stderr_file,
                        std::optional<std::chrono::microseconds> kill_after = std::nullopt,
                        std::optional<std::chrono::microseconds> kill_after_consolidation_starts = std::nullopt) {
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

// Checks a file left by a killed helper against the uninterrupted reference: it opens, and every run
// it lists as stored, and every run the helper reported, has exactly the reference's datasets.
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
  for (const std::string& run_id : killed.stored) EXPECT_TRUE(listed.contains(run_id)) << "reported run " << run_id << " is not listed";

  const test::Hdf5Dump c_api = test::dump_hdf5(file);
  for (const std::string& run_id : listed) {
    const std::string prefix = "/runs/" + run_id;
    EXPECT_EQ(test::dump_difference(test::filter_dump(reference, prefix), test::filter_dump(c_api, prefix)), "")
        << "run " << run_id;
  }
  if (test::python_has_h5py()) {
    const test::Hdf5Dump h5py = test::dump_with_h5py(file);
    for (const std::string& run_id : listed) {
      const std::string prefix = "/runs/" + run_id;
      EXPECT_EQ(test::dump_difference(test::filter_dump(reference, prefix), test::filter_dump(h5py, prefix)), "")
          << "run " << run_id << " read by h5py";
    }
  }
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

    // Every third trial kills during consolidation; the others at a uniformly random moment.
    HelperResult killed;
    if (trial % 3 == 2) {
      killed = run_helper(helper_arguments(file, false, kRuns, kDelayMs, kPatterns), folder / "stderr.txt",
                          std::nullopt, std::chrono::microseconds(consolidation_moment(random)));
    } else {
      killed = run_helper(helper_arguments(file, false, kRuns, kDelayMs, kPatterns), folder / "stderr.txt",
                          std::chrono::microseconds(moment(random)));
    }
    check_killed_file(file, killed, *reference_);

    // Half of the trials kill the resumed session too.
    const bool can_resume = std::filesystem::exists(file);
    if (can_resume && trial % 2 == 1) {
      const HelperResult killed_again =
          run_helper(helper_arguments(file, true, kRuns, kDelayMs, kPatterns), folder / "stderr.txt",
                     std::chrono::microseconds(moment(random) / 2));
      check_killed_file(file, killed_again, *reference_);
    }

    const HelperResult finished = run_helper(
        helper_arguments(file, std::filesystem::exists(file), kRuns, kDelayMs, kPatterns), folder / "stderr.txt");
    ASSERT_EQ(finished.exit_status, 0) << read_text(folder / "stderr.txt");
    EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));

    const test::Hdf5Dump final_dump = test::dump_hdf5(file);
    for (const std::string prefix : {"/grid", "/runs", "/configuration"}) {
      EXPECT_EQ(test::dump_difference(test::filter_dump(*reference_, prefix), test::filter_dump(final_dump, prefix)), "")
          << prefix;
    }
    EXPECT_EQ(read_sweep_index(file).layout, kLayoutConsolidated);
  }
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
