#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/distributed/local_run_pool.hpp"

namespace nclab {
namespace {

std::vector<RunSpec> make_runs(std::size_t count) {
  std::vector<RunSpec> runs(count);
  for (std::size_t i = 0; i < count; ++i) {
    runs[i].index = i;
    runs[i].run_id = "run-" + std::to_string(i);
    runs[i].settings = {{"seed", std::to_string(i + 1)}};
  }
  return runs;
}

// Collects records until `count` have finished or ten seconds have passed.
std::vector<RunRecord> collect(LocalRunPool& pool, std::size_t count) {
  std::vector<RunRecord> records;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (records.size() < count && std::chrono::steady_clock::now() < deadline) {
    pool.wait_for_finished(std::chrono::milliseconds(50));
    for (RunRecord& record : pool.take_finished()) records.push_back(std::move(record));
  }
  return records;
}

TEST(LocalRunPool, TrainsAtMostThreadsRunsAtOnce) {
  std::atomic<int> training{0};
  std::atomic<int> max_training{0};
  const auto execute = [&](const RunSpec& run) {
    const int now = ++training;
    int seen = max_training.load();
    while (now > seen && !max_training.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --training;
    RunRecord record;
    record.epochs_completed = run.index * 10;
    return record;
  };
  const std::vector<RunSpec> runs = make_runs(9);
  LocalRunPool pool(3, execute);
  std::vector<RunRecord> records;
  std::size_t next = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (records.size() < runs.size() && std::chrono::steady_clock::now() < deadline) {
    while (next < runs.size() && pool.has_free_thread()) pool.start(runs[next++]);
    EXPECT_LE(pool.training(), 3u);
    pool.wait_for_finished(std::chrono::milliseconds(50));
    for (RunRecord& record : pool.take_finished()) records.push_back(std::move(record));
  }

  ASSERT_EQ(records.size(), runs.size());
  EXPECT_LE(max_training.load(), 3);
  std::set<std::size_t> indices;
  for (const RunRecord& record : records) {
    indices.insert(record.run_index);
    EXPECT_EQ(record.run_id, "run-" + std::to_string(record.run_index));
    EXPECT_EQ(record.epochs_completed, record.run_index * 10);
    EXPECT_EQ(record.status, RunStatus::complete);
  }
  EXPECT_EQ(indices.size(), runs.size());
}

TEST(LocalRunPool, FullPoolRejectsStart) {
  std::atomic<bool> release{false};
  const auto execute = [&](const RunSpec&) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return RunRecord{};
  };
  const std::vector<RunSpec> runs = make_runs(2);
  LocalRunPool pool(1, execute);
  pool.start(runs[0]);
  EXPECT_FALSE(pool.has_free_thread());
  EXPECT_THROW(pool.start(runs[1]), RuntimeFailure);
  release = true;
  EXPECT_EQ(collect(pool, 1).size(), 1u);
  EXPECT_TRUE(pool.has_free_thread());
}

TEST(LocalRunPool, ThrowingRunBecomesFailedRecord) {
  const auto execute = [](const RunSpec& run) -> RunRecord {
    throw std::runtime_error("no data for " + run.run_id);
  };
  const std::vector<RunSpec> runs = make_runs(1);
  LocalRunPool pool(2, execute);
  pool.start(runs[0]);
  const std::vector<RunRecord> records = collect(pool, 1);

  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, RunStatus::failed);
  EXPECT_EQ(records[0].message, "no data for run-0");
  EXPECT_EQ(records[0].run_id, "run-0");
  ASSERT_EQ(records[0].settings.size(), 1u);
  EXPECT_EQ(records[0].settings[0].second, "1");
}

TEST(LocalRunPool, DestructorWaitsForTrainingRuns) {
  std::atomic<int> finished{0};
  const auto execute = [&](const RunSpec&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ++finished;
    return RunRecord{};
  };
  const std::vector<RunSpec> runs = make_runs(2);
  {
    LocalRunPool pool(2, execute);
    pool.start(runs[0]);
    pool.start(runs[1]);
  }
  EXPECT_EQ(finished.load(), 2);
}

}  // namespace
}  // namespace nclab
