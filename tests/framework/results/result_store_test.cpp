#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "framework/results/result_store.hpp"
#include "nclab/version.hpp"
#include "framework/results/sweep_file.hpp"
#include "tests/framework/results/record_fixtures.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

using test::TemporaryFolder;

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// Writes runs [0, count) of a fixture grid of `grid_size` runs and destroys the store without
// finish(), which leaves the index form.
void write_unfinished(const std::filesystem::path& file, std::size_t grid_size, std::size_t count) {
  const auto grid = test::fixture_grid(grid_size);
  auto store = ResultStore::create(file, test::fixture_metadata(), grid);
  for (std::size_t i = 0; i < count; ++i) store->submit(test::fixture_record(grid[i]));
}

std::string input_error_message(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ResultStore, IndexFormLinksEveryStoredRun) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 6, 4);

  const SweepIndex index = read_sweep_index(file);
  EXPECT_EQ(index.layout, kLayoutIndex);
  ASSERT_EQ(index.grid.size(), 6u);
  EXPECT_EQ(index.status[3], StoredStatus::complete);
  EXPECT_EQ(index.status[4], StoredStatus::pending);
  EXPECT_EQ(index.locations[3].file, "results.h5.parts/" + index.grid[3].run_id + ".h5");
  EXPECT_FALSE(index.locations[4].stored());

  const auto grid = test::fixture_grid(6);
  test::expect_same_record(test::fixture_record(grid[2]), read_run(file, grid[2].run_id));
}

TEST(ResultStore, FinishConsolidatesIntoOneFile) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(5);
  auto store = ResultStore::create(file, test::fixture_metadata(), grid);
  for (const GridRun& run : grid) store->submit(test::fixture_record(run));
  store->finish();

  EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));
  const SweepIndex index = read_sweep_index(file);
  EXPECT_EQ(index.layout, kLayoutConsolidated);
  EXPECT_FALSE(index.finished_at.empty());
  EXPECT_EQ(index.metadata.configuration, test::fixture_metadata().configuration);
  EXPECT_EQ(index.grid[4].settings, grid[4].settings);
  for (std::size_t r = 0; r < grid.size(); ++r) {
    EXPECT_EQ(index.status[r], StoredStatus::complete);
    EXPECT_EQ(index.locations[r].file, "");
    test::expect_same_record(test::fixture_record(grid[r]), read_run(file, grid[r].run_id));
  }
}

TEST(ResultStore, H5pyFollowsIndexLinksFromAnotherFolder) {
  if (!test::python_has_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy is not installed";
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 4, 2);

  const auto run_id = test::fixture_grid(4)[1].run_id;
  const test::CommandResult result = test::run_command(
      "cd / && " + std::string(test::kPython) + " -c " +
      test::shell_quote("import h5py, sys\nf = h5py.File(sys.argv[1], 'r')\n"
                        "print(f['runs/' + sys.argv[2] + '/metrics/test_loss'].shape)\n"
                        "print(f['grid/status'].asstr()[:].tolist())") +
      " " + test::shell_quote(file.string()) + " " + run_id + " 2>&1");
  EXPECT_EQ(result.exit_status, 0) << result.output;
  EXPECT_EQ(result.output, "(6, 4)\n['complete', 'complete', 'pending', 'pending']\n");
}

TEST(ResultStore, SameRecordsInAnotherOrderGiveSameDatasets) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(6);
  std::vector<std::size_t> forward = {0, 1, 2, 3, 4, 5};
  std::vector<std::size_t> shuffled = {4, 1, 5, 0, 3, 2};
  for (const auto& [name, order] : {std::pair{"a.h5", forward}, std::pair{"b.h5", shuffled}}) {
    StoreOptions options;
    options.queue_capacity = 1;
    auto store = ResultStore::create(folder / name, test::fixture_metadata(), grid, options);
    for (std::size_t i : order) {
      RunRecord record = test::fixture_record(grid[i]);
      record.train_seconds += static_cast<double>(order[0]);  // timing is allowed to differ
      store->submit(std::move(record));
    }
    store->finish();
  }

  const test::Hdf5Dump a = test::dump_hdf5(folder / "a.h5");
  const test::Hdf5Dump b = test::dump_hdf5(folder / "b.h5");
  for (const std::string prefix : {"/grid", "/runs", "/configuration"}) {
    const test::Hdf5Dump a_part = test::filter_dump(a, prefix);
    EXPECT_FALSE(a_part.empty()) << prefix;
    EXPECT_EQ(test::dump_difference(a_part, test::filter_dump(b, prefix)), "") << prefix;
  }
  // train_seconds is the one value allowed to differ, and it does here.
  const std::string key = "/runs/" + grid[0].run_id + "@train_seconds";
  EXPECT_NE(a.at(key), b.at(key));
}

TEST(ResultStore, CreateRejectsExistingFile) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 2, 1);
  const std::string before = read_bytes(file);

  const std::string message = input_error_message(
      [&] { ResultStore::create(file, test::fixture_metadata(), test::fixture_grid(2)); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "--overwrite")) << message;
  EXPECT_TRUE(contains(message, "--resume")) << message;
  EXPECT_EQ(read_bytes(file), before);
}

TEST(ResultStore, OverwriteReplacesFileAndRunFiles) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 4, 3);
  const auto old_run = test::fixture_grid(4)[0].run_id;

  StoreOptions options;
  options.overwrite = true;
  const auto grid = test::fixture_grid(2, false);
  auto store = ResultStore::create(file, test::fixture_metadata(), grid, options);
  EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts" / (old_run + ".h5")));
  store->finish();

  const SweepIndex index = read_sweep_index(file);
  ASSERT_EQ(index.grid.size(), 2u);
  EXPECT_EQ(index.grid[0].run_id, grid[0].run_id);
  EXPECT_EQ(index.status[0], StoredStatus::pending);
}

TEST(ResultStore, OverwriteRefusesFileThatIsNotResults) {
  TemporaryFolder folder;
  const auto file = folder / "data.csv";
  {
    std::ofstream out(file);
    out << "a,b,label\n1,2,0\n3,4,1\n";
  }
  const std::string before = read_bytes(file);
  StoreOptions options;
  options.overwrite = true;
  const std::string message = input_error_message(
      [&] { ResultStore::create(file, test::fixture_metadata(), test::fixture_grid(2), options); });
  EXPECT_TRUE(contains(message, "not an nclab results file")) << message;
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_EQ(read_bytes(file), before);
  EXPECT_FALSE(std::filesystem::exists(folder / "data.csv.parts"));
}

// A resume must not train the remaining runs on other data than the stored runs saw.
TEST(ResultStore, ResumeRejectsChangedDataFile) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  SweepMetadata metadata = test::fixture_metadata();
  metadata.data_checksums = "\"a.csv\" 00000000000000aa\n\"b.csv\" 00000000000000bb\n";
  ResultStore::create(file, metadata, test::fixture_grid(2))->finish();
  const std::string before = read_bytes(file);

  SweepMetadata changed = metadata;
  changed.data_checksums = "\"a.csv\" 00000000000000aa\n\"b.csv\" 00000000000000cc\n";
  const std::string message =
      input_error_message([&] { ResultStore::resume(file, changed, test::fixture_grid(2)); });
  EXPECT_TRUE(contains(message, "data file 'b.csv' has changed since the sweep started")) << message;
  EXPECT_TRUE(contains(message, "00000000000000bb, now 00000000000000cc")) << message;
  EXPECT_EQ(read_bytes(file), before);

  SweepMetadata missing = metadata;
  missing.data_checksums = "\"a.csv\" 00000000000000aa\n";
  EXPECT_TRUE(contains(input_error_message([&] { ResultStore::resume(file, missing, test::fixture_grid(2)); }),
                       "'b.csv' is no longer read"));

  ResultStore::resume(file, metadata, test::fixture_grid(2))->finish();
  EXPECT_EQ(read_sweep_index(file).metadata.data_checksums, metadata.data_checksums);
}

TEST(ResultStore, ResumeByAnotherBuildWarns) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  SweepMetadata metadata = test::fixture_metadata();
  metadata.git_commit = "aaaaaaa";
  ResultStore::create(file, metadata, test::fixture_grid(2))->finish();

  std::vector<std::string> messages;
  StoreOptions options;
  options.warn = [&](const std::string& message) { messages.push_back(message); };
  SweepMetadata other = metadata;
  other.git_commit = "bbbbbbb";
  ResultStore::resume(file, other, test::fixture_grid(2), options)->finish();
  const bool warned = std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
    return contains(m, "commit aaaaaaa") && contains(m, "commit bbbbbbb") && contains(m, "last digits");
  });
  EXPECT_TRUE(warned);

  messages.clear();
  ResultStore::resume(file, metadata, test::fixture_grid(2), options)->finish();
  EXPECT_FALSE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) { return contains(m, "last digits"); }))
      << "the file's own build must not warn";
}

TEST(ResultStore, ResumeWithAnotherOpenBlasCoreWarns) {
  // OPENBLAS_CORETYPE or another CPU changes the kernels, and with them the bits of large products.
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  SweepMetadata metadata = test::fixture_metadata();
  metadata.openblas_config = "OpenBLAS 0.3.21 DYNAMIC_ARCH Prescott";
  ResultStore::create(file, metadata, test::fixture_grid(2))->finish();

  std::vector<std::string> messages;
  StoreOptions options;
  options.warn = [&](const std::string& message) { messages.push_back(message); };
  SweepMetadata other = metadata;
  other.openblas_config = "OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX";
  ResultStore::resume(file, other, test::fixture_grid(2), options)->finish();
  EXPECT_TRUE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
    return contains(m, "started with OpenBLAS 0.3.21 DYNAMIC_ARCH Prescott") && contains(m, "SkylakeX") &&
           contains(m, "OPENBLAS_CORETYPE");
  }));

  messages.clear();
  ResultStore::resume(file, metadata, test::fixture_grid(2), options)->finish();
  EXPECT_FALSE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) { return contains(m, "OPENBLAS"); }))
      << "the file's own core must not warn";
}

TEST(ResultStore, CreateRejectsMissingFolder) {
  TemporaryFolder folder;
  const auto file = folder / "no-such-folder" / "results.h5";
  const std::string message = input_error_message(
      [&] { ResultStore::create(file, test::fixture_metadata(), test::fixture_grid(2)); });
  EXPECT_TRUE(contains(message, "does not exist")) << message;
  EXPECT_TRUE(contains(message, (folder / "no-such-folder").string())) << message;
}

TEST(ResultStore, CreateRejectsFileAsFolder) {
  TemporaryFolder folder;
  std::ofstream(folder / "plain.txt") << "x";
  const std::string message = input_error_message(
      [&] { ResultStore::create(folder / "plain.txt" / "results.h5", test::fixture_metadata(), test::fixture_grid(2)); });
  EXPECT_TRUE(contains(message, "is not a folder")) << message;
}

TEST(ResultStore, CreateRejectsUnwritableFolder) {
  TemporaryFolder folder;
  std::filesystem::path file;
  if (::geteuid() == 0) {
    // Permission bits do not stop root, but sysfs rejects new entries from everyone.
    if (::mkdir("/sys/nclab-results-probe", 0755) == 0) {
      ::rmdir("/sys/nclab-results-probe");
      GTEST_SKIP() << "no unwritable folder to test with as root";
    }
    file = "/sys/nclab-results-test.h5";
  } else {
    std::filesystem::create_directory(folder / "read-only");
    std::filesystem::permissions(folder / "read-only", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    file = folder / "read-only" / "results.h5";
  }
  const std::string message =
      input_error_message([&] { ResultStore::create(file, test::fixture_metadata(), test::fixture_grid(2)); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "writable --out path")) << message;
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(ResultStore, CreateRejectsLeftoverRunFiles) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 3, 2);
  std::filesystem::remove(file);

  const std::string message = input_error_message(
      [&] { ResultStore::create(file, test::fixture_metadata(), test::fixture_grid(3)); });
  EXPECT_TRUE(contains(message, "results.h5.parts")) << message;
  EXPECT_TRUE(contains(message, "--overwrite")) << message;
}

TEST(ResultStore, SecondWriterIsRejected) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(3);
  auto first = ResultStore::create(file, test::fixture_metadata(), grid);

  StoreOptions options;
  options.overwrite = true;
  const std::string message =
      input_error_message([&] { ResultStore::create(file, test::fixture_metadata(), grid, options); });
  EXPECT_TRUE(contains(message, "another nclab process")) << message;
  const std::string resume_message =
      input_error_message([&] { ResultStore::resume(file, test::fixture_metadata(), grid); });
  EXPECT_TRUE(contains(resume_message, "another nclab process")) << resume_message;
}

TEST(ResultStore, ResumeRejectsDifferentRunCount) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 8, 2);
  const std::string message =
      input_error_message([&] { ResultStore::resume(file, test::fixture_metadata(), test::fixture_grid(12)); });
  EXPECT_TRUE(contains(message, "8 runs")) << message;
  EXPECT_TRUE(contains(message, "12")) << message;
  EXPECT_TRUE(contains(message, "--out")) << message;
  EXPECT_TRUE(contains(message, test::fixture_metadata().command_line)) << message;
}

TEST(ResultStore, ResumeRejectsDifferentRunId) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  write_unfinished(file, 8, 2);
  auto grid = test::fixture_grid(8);
  grid[5].run_id = "ffffffffffffffff";
  std::map<std::string, std::string> changed = grid[5].settings.to_map();
  changed["lambda"] = "0.75";
  grid[5].settings = RunSettings(changed);

  const std::string message = input_error_message([&] { ResultStore::resume(file, test::fixture_metadata(), grid); });
  EXPECT_TRUE(contains(message, "differs")) << message;
  EXPECT_TRUE(contains(message, "run index 5")) << message;
  EXPECT_TRUE(contains(message, "lambda = '0.25' in the file, '0.75' now")) << message;
  EXPECT_TRUE(contains(message, "--out")) << message;
}

// Resume locks FILE.parts/lock before it compares grids; a rejected resume of a consolidated file
// must not leave that folder behind.
TEST(ResultStore, RejectedResumeLeavesNoPartsFolder) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(3);
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid);
    for (const GridRun& run : grid) store->submit(test::fixture_record(run));
    store->finish();
  }
  const std::string before = read_bytes(file);
  const std::string message =
      input_error_message([&] { ResultStore::resume(file, test::fixture_metadata(), test::fixture_grid(4)); });
  EXPECT_TRUE(contains(message, "cannot resume")) << message;
  EXPECT_EQ(read_bytes(file), before);
  EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));
}

TEST(ResultStore, ResumeRejectsMissingAndForeignFiles) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(2);
  EXPECT_TRUE(contains(input_error_message([&] { ResultStore::resume(folder / "none.h5", test::fixture_metadata(), grid); }),
                       "does not exist"));

  std::ofstream(folder / "text.h5") << "not hdf5";
  EXPECT_TRUE(contains(input_error_message([&] { ResultStore::resume(folder / "text.h5", test::fixture_metadata(), grid); }),
                       "is not an HDF5 file"));

  {
    hdf5::Handle other = hdf5::create_file(folder / "other.h5");
    other.close();
  }
  EXPECT_TRUE(contains(input_error_message([&] { ResultStore::resume(folder / "other.h5", test::fixture_metadata(), grid); }),
                       "not an nclab results file"));
}

TEST(ResultStore, ResumeSkipsFinalRunsAndRerunsFailed) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(5);
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid);
    store->submit(test::fixture_record(grid[0]));
    store->submit(test::fixture_record(grid[1], {}, RunStatus::failed));
    store->submit(test::fixture_record(grid[2], {}, RunStatus::diverged));
  }

  auto store = ResultStore::resume(file, test::fixture_metadata("nclab run --resume"), grid);
  EXPECT_EQ(store->final_runs(), (std::set<std::string>{grid[0].run_id, grid[2].run_id}));
  EXPECT_THROW(store->submit(test::fixture_record(grid[0])), RuntimeFailure);
  for (std::size_t i : {1, 3, 4}) store->submit(test::fixture_record(grid[i]));
  store->finish();

  const SweepIndex index = read_sweep_index(file);
  EXPECT_EQ(index.layout, kLayoutConsolidated);
  EXPECT_EQ(index.status[1], StoredStatus::complete);
  EXPECT_EQ(index.status[2], StoredStatus::diverged);
  EXPECT_EQ(index.resume_command_lines, std::vector<std::string>{"nclab run --resume"});
  EXPECT_EQ(index.metadata.command_line, test::fixture_metadata().command_line);
  test::expect_same_record(test::fixture_record(grid[1]), read_run(file, grid[1].run_id));
  test::expect_same_record(test::fixture_record(grid[2], {}, RunStatus::diverged), read_run(file, grid[2].run_id));
}

TEST(ResultStore, ResumeOfFinishedFileChangesNothing) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(3);
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid);
    for (const GridRun& run : grid) store->submit(test::fixture_record(run));
    store->finish();
  }
  const std::string before = read_bytes(file);

  auto store = ResultStore::resume(file, test::fixture_metadata(), grid);
  EXPECT_EQ(store->final_runs().size(), 3u);
  store->finish();
  EXPECT_EQ(read_bytes(file), before);
  EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));
}

TEST(ResultStore, ResumeOfFinishedFileRerunsFailedRun) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(4);
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid);
    for (const GridRun& run : grid) {
      store->submit(test::fixture_record(run, {}, run.run_index == 2 ? RunStatus::failed : RunStatus::complete));
    }
    store->finish();
  }
  const test::Hdf5Dump before = test::dump_hdf5(file);

  auto store = ResultStore::resume(file, test::fixture_metadata(), grid);
  EXPECT_EQ(store->final_runs().size(), 3u);
  store->submit(test::fixture_record(grid[2]));
  store->finish();

  EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts"));
  const SweepIndex index = read_sweep_index(file);
  EXPECT_EQ(index.layout, kLayoutConsolidated);
  EXPECT_EQ(index.resumed_at.size(), 1u);
  for (StoredStatus status : index.status) EXPECT_EQ(status, StoredStatus::complete);
  test::expect_same_record(test::fixture_record(grid[2]), read_run(file, grid[2].run_id));
  const test::Hdf5Dump after = test::dump_hdf5(file);
  for (std::size_t i : {0, 1, 3}) {
    const std::string prefix = "/runs/" + grid[i].run_id;
    EXPECT_EQ(test::dump_difference(test::filter_dump(before, prefix, {}), test::filter_dump(after, prefix, {})), "");
  }
}

TEST(ResultStore, WriterErrorReachesFinish) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(3);
  auto store = ResultStore::create(file, test::fixture_metadata(), grid);
  std::filesystem::remove_all(folder / "results.h5.parts");  // the writer can no longer create run files
  store->submit(test::fixture_record(grid[0]));
  try {
    store->finish();
    FAIL() << "expected the writer's error";
  } catch (const hdf5::Hdf5Error& error) {
    EXPECT_EQ(error.call(), "H5Fcreate");
    EXPECT_TRUE(contains(error.what(), grid[0].run_id + ".h5.tmp")) << error.what();
  }
  // The index written before the error is intact.
  EXPECT_EQ(read_sweep_index(file).status[0], StoredStatus::pending);
}

TEST(ResultStore, CallbackErrorReachesSubmit) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(6);
  StoreOptions options;
  options.on_stored = [](const std::string&, StoredStatus) { throw std::runtime_error("progress display failed"); };
  auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), grid, options);
  bool thrown = false;
  for (const GridRun& run : grid) {
    try {
      store->submit(test::fixture_record(run));
    } catch (const std::runtime_error& error) {
      EXPECT_STREQ(error.what(), "progress display failed");
      thrown = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(thrown);
  EXPECT_THROW(store->finish(), std::runtime_error);
}

TEST(ResultStore, SubmitRejectsUnknownAndRepeatedRuns) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(3);
  auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), grid);
  EXPECT_THROW(store->submit(test::fixture_record(test::fixture_grid(4)[3])), RuntimeFailure);
  store->submit(test::fixture_record(grid[1]));
  EXPECT_THROW(store->submit(test::fixture_record(grid[1])), RuntimeFailure);
  RunRecord wrong_index = test::fixture_record(grid[2]);
  wrong_index.run_index = 0;
  EXPECT_THROW(store->submit(wrong_index), RuntimeFailure);
  store->finish();
}

TEST(ResultStore, SubmitBlocksWhileQueueIsFull) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(4);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  StoreOptions options;
  options.queue_capacity = 1;
  options.on_stored = [released](const std::string&, StoredStatus) { released.wait(); };
  auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), grid, options);

  store->submit(test::fixture_record(grid[0]));  // the writer takes it and blocks in on_stored
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  store->submit(test::fixture_record(grid[1]));  // fills the queue
  auto third = std::async(std::launch::async, [&] { store->submit(test::fixture_record(grid[2])); });
  EXPECT_EQ(third.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);

  release.set_value();
  EXPECT_EQ(third.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  third.get();
  store->submit(test::fixture_record(grid[3]));
  store->finish();
  for (StoredStatus status : read_sweep_index(folder / "results.h5").status) EXPECT_EQ(status, StoredStatus::complete);
}

TEST(ResultStore, ConcurrentSubmitsAreAllStored) {
  TemporaryFolder folder;
  const auto grid = test::fixture_grid(16);
  std::atomic<int> stored = 0;
  StoreOptions options;
  options.on_stored = [&](const std::string&, StoredStatus) { ++stored; };
  auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), grid, options);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < grid.size(); i += 4) store->submit(test::fixture_record(grid[i]));
    });
  }
  for (auto& thread : threads) thread.join();
  store->finish();

  EXPECT_EQ(stored.load(), 16);
  for (std::size_t r = 0; r < grid.size(); ++r) {
    test::expect_same_record(test::fixture_record(grid[r]), read_run(folder / "results.h5", grid[r].run_id));
  }
}

TEST(ResultStore, IndexRewriteWaitsForInterval) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(4);
  std::atomic<int> stored = 0;
  StoreOptions options;
  options.index_interval = std::chrono::hours(1);
  options.on_stored = [&](const std::string&, StoredStatus) { ++stored; };
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid, options);
    store->submit(test::fixture_record(grid[0]));
    store->submit(test::fixture_record(grid[1]));
    for (int wait = 0; wait < 3000 && stored.load() < 2; ++wait) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(stored.load(), 2);

    // Both runs are durable in their own files, but the index written at creation is still the last.
    EXPECT_TRUE(std::filesystem::exists(folder / "results.h5.parts" / (grid[0].run_id + ".h5")));
    const SweepIndex before = read_sweep_index(file);
    EXPECT_EQ(before.status[0], StoredStatus::pending);
    EXPECT_EQ(before.status[1], StoredStatus::pending);
  }
  // Closing the store without finish() rewrites the index once more.
  const SweepIndex after = read_sweep_index(file);
  EXPECT_EQ(after.layout, kLayoutIndex);
  EXPECT_EQ(after.status[0], StoredStatus::complete);
  EXPECT_EQ(after.status[1], StoredStatus::complete);
  EXPECT_EQ(after.status[2], StoredStatus::pending);
}

TEST(ResultStore, ZeroIntervalListsRunBeforeOnStored) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto grid = test::fixture_grid(3);
  std::vector<StoredStatus> listed;
  StoreOptions options;
  options.index_interval = std::chrono::milliseconds(0);
  options.queue_capacity = 1;
  options.on_stored = [&](const std::string& run_id, StoredStatus) {
    const SweepIndex index = read_sweep_index(file);
    for (std::size_t r = 0; r < index.grid.size(); ++r) {
      if (index.grid[r].run_id == run_id) listed.push_back(index.status[r]);
    }
  };
  auto store = ResultStore::create(file, test::fixture_metadata(), grid, options);
  for (const GridRun& run : grid) store->submit(test::fixture_record(run));
  store->finish();
  EXPECT_EQ(listed, std::vector<StoredStatus>(3, StoredStatus::complete));
}

// A failed run that ran again and was durable in its file, but killed before the index listed the new
// record: the resume takes the newer record from the file. Copying FILE and FILE.parts/ inside
// on_stored takes the state that a kill at that moment would leave.
TEST(ResultStore, ResumeAdoptsNewerRecordOfFailedRun) {
  TemporaryFolder folder;
  const auto file = folder / "results.h5";
  const auto snapshot = folder / "snapshot";
  const auto grid = test::fixture_grid(3);
  {
    auto store = ResultStore::create(file, test::fixture_metadata(), grid);
    store->submit(test::fixture_record(grid[0]));
    store->submit(test::fixture_record(grid[1], {}, RunStatus::failed));
  }
  {
    StoreOptions options;
    options.index_interval = std::chrono::hours(1);
    options.on_stored = [&](const std::string&, StoredStatus) {
      std::filesystem::create_directory(snapshot);
      std::filesystem::copy(file, snapshot / "results.h5");
      std::filesystem::copy(folder / "results.h5.parts", snapshot / "results.h5.parts");
    };
    auto store = ResultStore::resume(file, test::fixture_metadata(), grid, options);
    store->submit(test::fixture_record(grid[1]));
  }
  EXPECT_EQ(read_sweep_index(snapshot / "results.h5").status[1], StoredStatus::failed);

  std::vector<std::string> messages;
  StoreOptions options;
  options.log = [&](const std::string& message) { messages.push_back(message); };
  auto store = ResultStore::resume(snapshot / "results.h5", test::fixture_metadata(), grid, options);
  EXPECT_EQ(store->final_runs(), (std::set<std::string>{grid[0].run_id, grid[1].run_id}));
  ASSERT_FALSE(messages.empty());
  EXPECT_TRUE(contains(messages[0], "adopted 1 runs")) << messages[0];
  store->submit(test::fixture_record(grid[2]));
  store->finish();
  test::expect_same_record(test::fixture_record(grid[1]), read_run(snapshot / "results.h5", grid[1].run_id));
}

TEST(ResultStore, EmptyGridGivesValidFile) {
  TemporaryFolder folder;
  auto store = ResultStore::create(folder / "results.h5", test::fixture_metadata(), {});
  store->finish();
  const SweepIndex index = read_sweep_index(folder / "results.h5");
  EXPECT_EQ(index.layout, kLayoutConsolidated);
  EXPECT_TRUE(index.grid.empty());
}

TEST(SweepMetadata, FilledFromThisProcess) {
  const SweepMetadata metadata = make_sweep_metadata("nclab run", "[ensemble]\n");
  EXPECT_EQ(metadata.command_line, "nclab run");
  EXPECT_EQ(metadata.configuration, "[ensemble]\n");
  EXPECT_EQ(metadata.nclab_version, kVersion);
  EXPECT_EQ(metadata.git_commit, kGitCommit);
  EXPECT_EQ(metadata.hdf5_version, std::to_string(H5_VERS_MAJOR) + "." + std::to_string(H5_VERS_MINOR) + "." +
                                       std::to_string(H5_VERS_RELEASE));
  EXPECT_FALSE(metadata.openblas_config.empty());
  EXPECT_FALSE(metadata.host.empty());
}

TEST(SweepMetadata, TimestampIsIso8601Utc) {
  const std::string timestamp = utc_timestamp();
  ASSERT_EQ(timestamp.size(), 20u) << timestamp;
  EXPECT_EQ(timestamp[4], '-');
  EXPECT_EQ(timestamp[10], 'T');
  EXPECT_EQ(timestamp[19], 'Z');
}

}  // namespace
}  // namespace nclab
