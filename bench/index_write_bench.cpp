// Times one rewrite of a sweep's index file, as the result store's writer thread does it at most once
// per StoreOptions::index_interval, for grids of 10 to 5,000 runs with every run stored:
//   cmake -S . -B build -DNCLAB_BENCH=ON && cmake --build build -j2
//   ./build/bench/index_write_bench
// BM_WriteIndexFile times write_index_file alone; BM_WriteIndexFileDurable adds the fsync and the
// rename over FILE. The counter "index_bytes" is the size of the written file. The files go to the
// system temporary folder. The grid is the test fixture grid (7 settings per run).

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "framework/results/durable_file.hpp"
#include "framework/results/sweep_file.hpp"
#include "tests/framework/results/record_fixtures.hpp"

namespace {

using nclab::SweepIndex;

SweepIndex stored_index(std::size_t runs) {
  SweepIndex index;
  index.layout = nclab::kLayoutIndex;
  index.metadata = nclab::test::fixture_metadata();
  index.started_at = "2026-12-04T20:00:49Z";
  index.grid = nclab::test::fixture_grid(runs);
  index.status.assign(runs, nclab::StoredStatus::complete);
  for (const nclab::GridRun& run : index.grid) index.locations.push_back({"results.h5.parts/" + run.run_id + ".h5", "/run"});
  return index;
}

std::filesystem::path bench_folder() {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("nclab-index-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  return folder;
}

void BM_WriteIndexFile(benchmark::State& state) {
  const SweepIndex index = stored_index(static_cast<std::size_t>(state.range(0)));
  const std::filesystem::path folder = bench_folder();
  for (auto _ : state) {
    // The store writes a new file each time, because the previous one was renamed over FILE. ext4
    // flushes a file that is truncated and rewritten, which would time the disk instead.
    state.PauseTiming();
    std::filesystem::remove(folder / "index.h5.tmp");
    state.ResumeTiming();
    nclab::write_index_file(folder / "index.h5.tmp", index);
  }
  state.counters["index_bytes"] = static_cast<double>(std::filesystem::file_size(folder / "index.h5.tmp"));
  std::filesystem::remove_all(folder);
}

void BM_WriteIndexFileDurable(benchmark::State& state) {
  const SweepIndex index = stored_index(static_cast<std::size_t>(state.range(0)));
  const std::filesystem::path folder = bench_folder();
  for (auto _ : state) {
    nclab::write_index_file(folder / "index.h5.tmp", index);
    nclab::durable::fsync_file(folder / "index.h5.tmp");
    nclab::durable::replace_file(folder / "index.h5.tmp", folder / "results.h5");
  }
  state.counters["index_bytes"] = static_cast<double>(std::filesystem::file_size(folder / "results.h5"));
  std::filesystem::remove_all(folder);
}

BENCHMARK(BM_WriteIndexFile)->Arg(10)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteIndexFileDurable)->Arg(10)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
