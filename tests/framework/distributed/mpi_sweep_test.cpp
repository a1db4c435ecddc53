// End-to-end tests of `mpirun nclab sweep`: real mpirun on loopback, real nclab processes, a real
// SIGKILL. Built only with NCLAB_MPI, which defines NCLAB_TEST_MPIEXEC.

#ifdef NCLAB_TEST_MPIEXEC

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "framework/results/sweep_file.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string nclab_binary() {
  const char* path = std::getenv("NCLAB_BINARY");
  return path != nullptr ? path : NCLAB_TEST_BINARY_DIR "/nclab";
}

// Every test sweep: 12 runs (3 lambdas x 4 seeds) on a built-in dataset.
std::string sweep_arguments(int epochs, int threads = 1) {
  return "sweep --data builtin:sine --test-fraction 0.25 --model mlp --hidden 12 --members 3 --method ncl "
         "--lambda 0,0.5,1 --seeds 1,2,3,4 --epochs " +
         std::to_string(epochs) + " --threads " + std::to_string(threads) + " --progress never --out sweep.h5";
}

// mpirun on loopback only, without the process count. OMPI_ALLOW_RUN_AS_ROOT lets the tests run as
// root in containers, --oversubscribe allows more ranks than cores, and vader is OpenMPI's
// shared-memory transport.
std::string mpirun_command() {
  return "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " + test::shell_quote(NCLAB_TEST_MPIEXEC) +
         " --oversubscribe --bind-to none --mca btl self,vader,tcp --mca btl_tcp_if_include lo"
         " --mca oob_tcp_if_include lo --mca btl_vader_single_copy_mechanism none ";
}

std::string mpirun_prefix(int ranks) { return mpirun_command() + "-np " + std::to_string(ranks) + " "; }

std::string read_text(const fs::path& path) {
  std::ifstream stream(path);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// Runs `command` in `folder` with stdout and stderr in folder/stdout.txt and folder/stderr.txt and
// returns its exit status. `timeout` ends a hung command.
int run_in(const fs::path& folder, const std::string& command) {
  const std::string line = "cd " + test::shell_quote(folder.string()) + " && timeout 300 " + command +
                           " >stdout.txt 2>stderr.txt";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The values that must match between two results files: every dataset and attribute except the
// sweep's host, its start, finish and resume times, the resume command lines and each run's training
// time.
test::Hdf5Dump comparable_dump(const fs::path& file) {
  return test::filter_dump(test::dump_hdf5(file), "",
                           {"train_seconds", "host", "started_at", "finished_at", "resumed_at", "resume_command_lines"});
}

struct Assignment {
  std::size_t run_index = 0;
  std::string run_id;
  int rank = 0;
};

// The "run K assigned to rank R" lines of rank 0's log, in order.
std::vector<Assignment> assignments_in(const std::string& log) {
  static const std::regex pattern(R"(\[run ([0-9a-f]{16})\] run (\d+) assigned to rank (\d+))");
  std::vector<Assignment> assignments;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), pattern); it != std::sregex_iterator(); ++it) {
    assignments.push_back({std::stoul((*it)[2].str()), (*it)[1].str(), std::stoi((*it)[3].str())});
  }
  return assignments;
}

class MpiSweep : public ::testing::Test {
 protected:
  // Runs the sweep in one process without mpirun in folder `name` and returns the results file.
  fs::path single_process_sweep(const std::string& name, int epochs) {
    const fs::path folder = folder_ / name;
    fs::create_directories(folder);
    const int status = run_in(folder, test::shell_quote(nclab_binary()) + " " + sweep_arguments(epochs));
    EXPECT_EQ(status, 0) << read_text(folder / "stderr.txt");
    return folder / "sweep.h5";
  }

  test::TemporaryFolder folder_;
};

TEST_F(MpiSweep, FilesEqualSingleProcessFile) {
  const int epochs = 40;
  const fs::path reference = single_process_sweep("single", epochs);
  const test::Hdf5Dump expected = comparable_dump(reference);
  ASSERT_GT(expected.size(), 100u);

  // With 2 threads per rank the workers train two runs at once. --threads is then the only option that
  // differs, and it shows only in the stored command line and configuration.
  struct Case {
    int ranks;
    int threads;
  };
  for (const Case& setup : {Case{1, 1}, Case{2, 1}, Case{3, 1}, Case{2, 2}}) {
    const int ranks = setup.ranks;
    const std::string name = "ranks-" + std::to_string(ranks) + "-threads-" + std::to_string(setup.threads);
    SCOPED_TRACE(name);
    const fs::path folder = folder_ / name;
    fs::create_directories(folder);
    const int status = run_in(folder, mpirun_prefix(ranks) + test::shell_quote(nclab_binary()) + " " +
                                          sweep_arguments(epochs, setup.threads));
    const std::string log = read_text(folder / "stderr.txt");
    ASSERT_EQ(status, 0) << log;
    EXPECT_NE(read_text(folder / "stdout.txt").find("12 runs: 0 stored before, 12 complete"), std::string::npos);

    // Every rank trained at least one run, so the file really was assembled from several processes.
    const std::vector<Assignment> assignments = assignments_in(log);
    if (ranks > 1) {
      EXPECT_EQ(assignments.size(), 12u) << log;
      for (int rank = 0; rank < ranks; ++rank) {
        EXPECT_NE(log.find("assigned to rank " + std::to_string(rank)), std::string::npos)
            << "rank " << rank << " trained no run:\n" << log;
      }
    }
    test::Hdf5Dump actual = comparable_dump(folder / "sweep.h5");
    test::Hdf5Dump expected_here = expected;
    if (setup.threads != 1) {
      for (test::Hdf5Dump* dump : {&actual, &expected_here}) {
        ASSERT_EQ(dump->erase("/@command_line"), 1u);
        ASSERT_EQ(dump->erase("/configuration"), 1u);
      }
    }
    EXPECT_EQ(test::dump_difference(expected_here, actual), "");
  }
}

// Starts `command` in `folder` as its own process (mpirun, through exec), stderr in folder/stderr.txt.
pid_t start_in(const fs::path& folder, const std::string& command) {
  const std::string line = "cd " + test::shell_quote(folder.string()) + " && exec " + command +
                           " >stdout.txt 2>stderr.txt";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits up to `timeout` for `pid` and returns its wait status, or kills it and returns -1.
int wait_for(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

TEST_F(MpiSweep, KilledWorkerEndsJobAndResumeFinishes) {
  // Long enough runs that the worker is killed while it trains and the job outlives the kill.
  const int epochs = 400;
  const fs::path reference = single_process_sweep("single", epochs);
  const fs::path folder = folder_ / "killed";
  fs::create_directories(folder);
  const std::string command = mpirun_prefix(2) + test::shell_quote(nclab_binary()) + " " + sweep_arguments(epochs);

  // Kill rank 1 once it has finished a run and trains its second one.
  const pid_t mpirun = start_in(folder, command);
  ASSERT_GT(mpirun, 0);
  static const std::regex hello(R"(rank 1 is process (\d+))");
  pid_t worker = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(240);
  while (Clock::now() < deadline) {
    const std::string log = read_text(folder / "stderr.txt");
    std::smatch match;
    std::size_t rank_1_runs = 0;
    for (const Assignment& assignment : assignments_in(log)) rank_1_runs += assignment.rank == 1 ? 1 : 0;
    if (std::regex_search(log, match, hello) && rank_1_runs >= 2) {
      worker = static_cast<pid_t>(std::stol(match[1].str()));
      break;
    }
    if (::waitpid(mpirun, nullptr, WNOHANG) == mpirun) FAIL() << "mpirun ended before the kill:\n" << log;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(worker, 0) << "rank 1 never took a second run:\n" << read_text(folder / "stderr.txt");
  ASSERT_EQ(::kill(worker, SIGKILL), 0);

  const int status = wait_for(mpirun, std::chrono::seconds(120));
  const std::string log = read_text(folder / "stderr.txt");
  ASSERT_NE(status, -1) << "mpirun did not end after rank 1 was killed:\n" << log;
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;

  // Rank 0 names the run that rank 1 held: the last one assigned to it.
  const std::vector<Assignment> assignments = assignments_in(log);
  std::map<int, std::vector<Assignment>> by_rank;
  for (const Assignment& assignment : assignments) by_rank[assignment.rank].push_back(assignment);
  const Assignment& last_of_rank_1 = by_rank[1].back();
  EXPECT_NE(log.find("rank 1 held run " + std::to_string(last_of_rank_1.run_index) + " (" + last_of_rank_1.run_id + ")"),
            std::string::npos)
      << log;

  // With one thread per rank, a rank requests its next run only after its previous record has
  // reached rank 0, so every run but the last of each rank is complete in the file.
  const SweepIndex index = read_sweep_index(folder / "sweep.h5");
  std::map<std::string, StoredStatus> stored;
  for (std::size_t row = 0; row < index.grid.size(); ++row) stored[index.grid[row].run_id] = index.status[row];
  const test::Hdf5Dump expected = comparable_dump(reference);
  const test::Hdf5Dump after_kill = comparable_dump(folder / "sweep.h5");
  std::size_t complete_before_kill = 0;
  for (const auto& [rank, runs] : by_rank) {
    for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
      SCOPED_TRACE("run " + std::to_string(runs[i].run_index) + " of rank " + std::to_string(rank));
      EXPECT_EQ(stored[runs[i].run_id], StoredStatus::complete);
      const std::string group = "/runs/" + runs[i].run_id;
      EXPECT_EQ(test::dump_difference(test::filter_dump(expected, group), test::filter_dump(after_kill, group)), "");
      ++complete_before_kill;
    }
  }
  EXPECT_GE(complete_before_kill, 1u);
  std::size_t stored_complete = 0;
  for (const auto& [run_id, run_status] : stored) stored_complete += run_status == StoredStatus::complete ? 1 : 0;
  EXPECT_LT(stored_complete, 12u) << "the sweep finished before the kill took effect";

  // The same command with --resume under MPI trains the rest, and the file then equals the uninterrupted one.
  const int resumed = run_in(folder, command + " --resume");
  const std::string resume_log = read_text(folder / "stderr.txt");
  ASSERT_EQ(resumed, 0) << resume_log;
  EXPECT_NE(read_text(folder / "stdout.txt").find("12 runs: " + std::to_string(stored_complete) + " stored before"),
            std::string::npos)
      << read_text(folder / "stdout.txt");
  EXPECT_EQ(test::dump_difference(expected, comparable_dump(folder / "sweep.h5")), "");
}

TEST_F(MpiSweep, WorkerWithOtherGridAbortsJob) {
  // One mpirun, two working folders: each rank reads its own config.ini, so rank 1 expands another grid.
  const fs::path rank_0 = folder_ / "rank-0";
  const fs::path rank_1 = folder_ / "rank-1";
  fs::create_directories(rank_0);
  fs::create_directories(rank_1);
  std::ofstream(rank_0 / "config.ini") << "lambda = 0:1:0.1\n";
  std::ofstream(rank_1 / "config.ini") << "lambda = 0:1:0.2\n";
  const std::string nclab = test::shell_quote(nclab_binary()) +
                            " sweep --config config.ini --data builtin:sine --test-fraction 0.25 --method ncl"
                            " --epochs 200 --threads 1 --progress never --out sweep.h5";
  const std::string command = mpirun_command() + "-np 1 -wdir " + test::shell_quote(rank_0.string()) + " " + nclab +
                              " : -np 1 -wdir " + test::shell_quote(rank_1.string()) + " " + nclab;

  const int status = run_in(rank_0, command);
  const std::string log = read_text(rank_0 / "stderr.txt");
  EXPECT_NE(status, 0) << log;
  EXPECT_NE(log.find("rank 1 failed"), std::string::npos) << log;
  EXPECT_NE(log.find("every rank must read the same options, --config file and plugins"), std::string::npos) << log;

  // Rank 0 names the run it had assigned to rank 1.
  std::vector<Assignment> rank_1_runs;
  for (const Assignment& assignment : assignments_in(log)) {
    if (assignment.rank == 1) rank_1_runs.push_back(assignment);
  }
  ASSERT_EQ(rank_1_runs.size(), 1u) << log;
  EXPECT_NE(log.find("rank 1 held run " + std::to_string(rank_1_runs[0].run_index) + " (" + rank_1_runs[0].run_id + ")"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace nclab

#endif  // NCLAB_TEST_MPIEXEC
