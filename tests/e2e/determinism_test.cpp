// Bitwise reproducibility through the nclab binary: the thread count, the other runs of a sweep and
// the penalty method (ncl with lambda 0 against independent) must not change a stored number.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

std::string run_id_where(const std::vector<StoredRun>& runs, const std::map<std::string, std::string>& wanted) {
  for (const StoredRun& run : runs) {
    const bool matches = std::all_of(wanted.begin(), wanted.end(), [&](const auto& setting) {
      const auto found = run.settings.find(setting.first);
      return found != run.settings.end() && found->second == setting.second;
    });
    if (matches) return run.run_id;
  }
  return "";
}

std::vector<std::string> without_line(std::vector<std::string> lines, const std::string& prefix) {
  std::erase_if(lines, [&](const std::string& line) { return line.rfind(prefix, 0) == 0; });
  return lines;
}

// Runs `sweep` with --threads 1, 2 and 8 and expects files that differ only in timing and in the
// lines of /configuration that record --threads and --out.
void expect_same_files_for_thread_counts(const std::vector<std::string>& sweep, std::size_t runs) {
  ScratchFolder folder("threads");
  for (const std::string threads : {"1", "2", "8"}) {
    expect_sweep_succeeds(with(sweep, {"--threads", threads, "--out", (folder / ("t" + threads + ".h5")).string()}));
  }
  const auto reference = folder / "t1.h5";
  ASSERT_EQ(stored_runs(reference).size(), runs);
  for (const StoredRun& run : stored_runs(reference)) EXPECT_EQ(run.status, "complete") << run.run_id;

  Hdf5CompareOptions options;
  options.ignored_objects = {"/configuration"};
  for (const std::string threads : {"2", "8"}) {
    const auto other = folder / ("t" + threads + ".h5");
    EXPECT_EQ(join_lines(hdf5_differences(reference, other, options)), "") << "--threads 1 against --threads " << threads;
    EXPECT_EQ(without_line(without_line(configuration_lines(reference), "threads = "), "out = "),
              without_line(without_line(configuration_lines(other), "threads = "), "out = "));
  }
}

TEST(Determinism, ThreadCountsGiveIdenticalFiles) {
  expect_same_files_for_thread_counts(with(small_sweep_options(), {"--method", "ncl", "--lambda", "0.25,0.75"}), 6);
}

// 20 hidden units and batches of 300 patterns reach the work at which the members of one run step in
// parallel, so the member-parallel path must give the same bits as well.
TEST(Determinism, ThreadCountsWithParallelMembers) {
  expect_same_files_for_thread_counts({"--data", "builtin:mackey-glass", "--folds", "3", "--members", "4", "--hidden",
                                       "20", "--batch", "300", "--epochs", "3", "--method", "ncl-exact", "--gamma",
                                       "0.3", "--progress", "never", "--log-level", "warning"},
                                      3);
}

TEST(Determinism, ThreadCountsClassification) {
  const std::filesystem::path data = data_folder();
  if (data.empty()) GTEST_SKIP() << "NCLAB_DATA_DIR is unset or missing; this test reads australian.dat";
  expect_same_files_for_thread_counts({"--data", (data / "australian.dat").string(), "--folds", "3", "--members", "3",
                                       "--hidden", "3", "--epochs", "2", "--method", "decorrelated", "--lambda",
                                       "0.5", "--indicator", "previous,all-previous", "--progress", "never",
                                       "--log-level", "warning"},
                                      6);
}

TEST(Determinism, RunInSweepEqualsRunAlone) {
  ScratchFolder folder("alone");
  const auto sweep_file = folder / "sweep.h5";
  const auto alone_file = folder / "alone.h5";
  expect_sweep_succeeds(
      with(small_sweep_options(), {"--method", "ncl", "--lambda", "0,0.5", "--threads", "2", "--out", sweep_file.string()}));
  expect_sweep_succeeds(
      with(small_sweep_options(), {"--method", "ncl", "--lambda", "0.5", "--threads", "1", "--out", alone_file.string()}));

  const std::vector<StoredRun> alone = stored_runs(alone_file);
  const std::vector<StoredRun> in_sweep = stored_runs(sweep_file);
  ASSERT_EQ(alone.size(), 3u);
  ASSERT_EQ(in_sweep.size(), 6u);
  // The run index is the position in the grid, so it is the one attribute that may differ.
  Hdf5CompareOptions options;
  options.ignored_attributes.push_back("run_index");
  for (const StoredRun& run : alone) {
    ASSERT_NE(run_id_where(in_sweep, {{"lambda", "0.5"}, {"fold", run.settings.at("fold")}}), "");
    EXPECT_EQ(run_id_where(in_sweep, {{"lambda", "0.5"}, {"fold", run.settings.at("fold")}}), run.run_id)
        << "a run's id must not depend on the other runs of its sweep";
    const std::string group = "/runs/" + run.run_id;
    EXPECT_EQ(join_lines(hdf5_differences(alone_file, sweep_file, options, group, group)), "")
        << "run " << run.run_id << " (fold " << run.settings.at("fold") << ")";
  }
}

TEST(Determinism, NclLambdaZeroEqualsIndependent) {
  ScratchFolder folder("ncl0");
  const auto ncl_file = folder / "ncl.h5";
  const auto independent_file = folder / "independent.h5";
  expect_sweep_succeeds(with(small_sweep_options(), {"--method", "ncl", "--lambda", "0", "--out", ncl_file.string()}));
  expect_sweep_succeeds(with(small_sweep_options(), {"--method", "independent", "--out", independent_file.string()}));

  const std::vector<StoredRun> ncl = stored_runs(ncl_file);
  const std::vector<StoredRun> independent = stored_runs(independent_file);
  ASSERT_EQ(ncl.size(), 3u);
  ASSERT_EQ(independent.size(), 3u);
  // The settings, and the ids derived from them, differ; everything the runs computed must not.
  Hdf5CompareOptions options;
  options.ignored_attributes.insert(options.ignored_attributes.end(), {"run_id", "point_id"});
  options.ignored_objects = {"/settings"};
  for (std::size_t fold = 0; fold < 3; ++fold) {
    const std::string ncl_group = "/runs/" + run_id_where(ncl, {{"fold", std::to_string(fold)}});
    const std::string independent_group = "/runs/" + run_id_where(independent, {{"fold", std::to_string(fold)}});
    const auto ncl_contents = hdf5_contents(ncl_file, ncl_group);
    ASSERT_TRUE(ncl_contents.contains("/metrics/train_loss"));
    ASSERT_TRUE(ncl_contents.contains("/members/0/layer1/weights"));
    EXPECT_EQ(join_lines(contents_differences(ncl_contents, hdf5_contents(independent_file, independent_group), options)),
              "")
        << "fold " << fold;
  }
}

}  // namespace
}  // namespace nclab::e2e
