// Peak memory of `nclab sweep` against its number of runs. The plan, the result store and the HDF5
// files that the store writes must not keep memory per run, so a sweep of many runs peaks within 10 %
// of a 10-run sweep. NCLAB_LONG_TESTS=1 raises the large sweep from 400 to 1,000 runs.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/allocation_counter.hpp"
#include "tests/support/process.hpp"

namespace nclab::e2e {
namespace {

struct PeakResult {
  int exit_status = -1;
  long max_rss_kib = 0;
};

// Runs nclab with `args` (output discarded) and returns its exit status and peak resident set size,
// which only wait4 reports for a child.
PeakResult run_measuring_peak(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {nclab_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> pointers;
    for (std::string& argument : argv) pointers.push_back(argument.data());
    pointers.push_back(nullptr);
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
  PeakResult result;
  int status = 0;
  rusage usage{};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) return result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.max_rss_kib = usage.ru_maxrss;
  return result;
}

std::vector<std::string> sweep_arguments(const std::string& lambdas, const std::filesystem::path& out) {
  return {"sweep", "--data", "builtin:mackey-glass", "--folds", "10", "--method", "ncl", "--lambda", lambdas,
          "--members", "4", "--hidden", "10", "--epochs", "2", "--threads", "2", "--progress", "never",
          "--out", out.string()};
}

TEST(SweepMemory, PeakRssFlatInRunCount) {
  // AddressSanitizer keeps freed memory in quarantine, so peak RSS grows with the work done.
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds change memory use";
  const char* long_tests = std::getenv("NCLAB_LONG_TESTS");
  const bool many_runs = long_tests != nullptr && std::string(long_tests) == "1";
  ScratchFolder folder("memory");

  // 10 folds of 1 lambda against 10 folds of 40 (or 100) lambdas.
  const PeakResult few = run_measuring_peak(sweep_arguments("0", folder / "few.h5"));
  const PeakResult many =
      run_measuring_peak(sweep_arguments(many_runs ? "0:0.99:0.01" : "0:0.39:0.01", folder / "many.h5"));
  ASSERT_EQ(few.exit_status, 0);
  ASSERT_EQ(many.exit_status, 0);

  RecordProperty("max_rss_kib_10_runs", std::to_string(few.max_rss_kib));
  RecordProperty("max_rss_kib_many_runs", std::to_string(many.max_rss_kib));
  EXPECT_LE(static_cast<double>(many.max_rss_kib), 1.10 * static_cast<double>(few.max_rss_kib))
      << few.max_rss_kib << " KiB for 10 runs, " << many.max_rss_kib << " KiB for " << (many_runs ? 1000 : 400)
      << " runs";
}

}  // namespace
}  // namespace nclab::e2e
