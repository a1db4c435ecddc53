// Checks of the end-to-end test helpers themselves: a comparison that never reports a difference, or
// a process runner that loses an exit status, would let every end-to-end test pass.

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "framework/results/hdf5_io.hpp"
#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"

namespace nclab::e2e {
namespace {

void write_file(const std::filesystem::path& path, double value, const std::string& status, double seconds) {
  hdf5::silence_automatic_error_printing();
  hdf5::Handle file = hdf5::create_file(path);
  hdf5::Handle runs = hdf5::create_group(file.get(), "runs");
  hdf5::Handle group = hdf5::create_group(runs.get(), "a");
  hdf5::write_string_attribute(group.get(), "status", status);
  hdf5::write_double_attribute(group.get(), "train_seconds", seconds);
  const std::vector<double> values = {1.0, value};
  hdf5::write_doubles(group.get(), "loss", values, {2});
  group.close();
  runs.close();
  file.close();
}

TEST(Hdf5Compare, EqualFilesHaveNoDifferences) {
  ScratchFolder folder("compare-equal");
  write_file(folder / "a.h5", 0.5, "complete", 1.0);
  write_file(folder / "b.h5", 0.5, "complete", 2.0);
  EXPECT_EQ(join_lines(hdf5_differences(folder / "a.h5", folder / "b.h5")), "") << "train_seconds is ignored";
  Hdf5CompareOptions strict;
  strict.ignored_attributes.clear();
  EXPECT_EQ(hdf5_differences(folder / "a.h5", folder / "b.h5", strict).size(), 1u);
}

TEST(Hdf5Compare, OneBitAndAttributeDifferencesFound) {
  ScratchFolder folder("compare-bits");
  write_file(folder / "a.h5", 0.5, "complete", 1.0);
  write_file(folder / "b.h5", std::nextafter(0.5, 1.0), "diverged", 1.0);
  const std::vector<std::string> lines = hdf5_differences(folder / "a.h5", folder / "b.h5");
  ASSERT_EQ(lines.size(), 2u) << join_lines(lines);
  EXPECT_EQ(lines[0].rfind("differs: /runs/a/loss", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("differs: /runs/a@status", 0), 0u) << lines[1];

  Hdf5CompareOptions skip_group;
  skip_group.ignored_objects = {"/runs/a"};
  EXPECT_EQ(join_lines(hdf5_differences(folder / "a.h5", folder / "b.h5", skip_group)), "");
}

TEST(Hdf5Compare, GroupsComparedByRelativePath) {
  ScratchFolder folder("compare-groups");
  write_file(folder / "a.h5", 0.5, "complete", 1.0);
  const auto contents = hdf5_contents(folder / "a.h5", "/runs/a");
  ASSERT_TRUE(contents.contains("/loss"));
  ASSERT_TRUE(contents.contains("/@status"));
  EXPECT_EQ(decode_strings(contents.at("/@status")), std::vector<std::string>{"complete"});
  EXPECT_EQ(decode_doubles(contents.at("/loss")), (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(entry_shape(contents.at("/loss")), std::vector<std::size_t>{2});
}

TEST(Hdf5Compare, MissingEntriesReported) {
  const std::map<std::string, std::string> a = {{"/x", "1"}, {"/y", "2"}};
  const std::map<std::string, std::string> b = {{"/x", "1"}, {"/z", "3"}};
  const std::vector<std::string> lines = contents_differences(a, b);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "only in first: /y");
  EXPECT_EQ(lines[1], "only in second: /z");
}

TEST(Process, CapturesStreamsAndExitStatus) {
  const ProcessResult result = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Process, RunsInWorkingFolderWithEnvironment) {
  ScratchFolder folder("process-folder");
  ProcessOptions options;
  options.working_directory = folder.path();
  options.environment = {{"NCLAB_SELFTEST_VALUE", "42"}};
  const ProcessResult result = run_process({"/bin/sh", "-c", "pwd; echo $NCLAB_SELFTEST_VALUE"}, options);
  EXPECT_EQ(result.out, std::filesystem::canonical(folder.path()).string() + "\n42\n");
}

TEST(Process, TimeoutKillsChild) {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(100);
  const ProcessResult result = run_process({"/bin/sleep", "10"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.exit_status, -1);
  EXPECT_LT(result.seconds, 5.0);
}

TEST(Process, SignalReported) {
  ChildProcess child({"/bin/sleep", "10"});
  EXPECT_FALSE(child.finished());
  child.send_signal(SIGKILL);
  const ProcessResult result = child.wait();
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_FALSE(result.timed_out);
}

}  // namespace
}  // namespace nclab::e2e
