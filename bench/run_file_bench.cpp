// Times the results writer's work for one run, as the result store's writer thread does it after
// every run of a sweep: one HDF5 file with the run's group (write_run_group), then the fsync and the
// rename that make it durable. The record has W1's shape: 4 members of a 14-10-2 MLP, 100 epochs of
// metrics, 69 test patterns and 25 settings.
//   cmake -S . -B build -DNCLAB_BENCH=ON && cmake --build build -j2
//   ./build/bench/run_file_bench
// BM_WriteRunFile times the HDF5 part alone; BM_WriteRunFileDurable adds the fsync and the rename.
// The files go to the system temporary folder.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string>

#include "framework/results/durable_file.hpp"
#include "framework/results/hdf5_io.hpp"
#include "framework/results/run_io.hpp"
#include "tests/framework/results/record_fixtures.hpp"

namespace {

nclab::RunRecord w1_record() {
  nclab::test::FixtureShape shape;
  shape.members = 4;
  shape.inputs = 14;
  shape.hidden = 10;
  shape.epochs = 100;
  shape.test_patterns = 69;
  const nclab::GridRun run = nclab::test::fixture_grid(1).front();
  nclab::RunRecord record = nclab::test::fixture_record(run, shape);
  // The 25 settings that `nclab train` stores for W1, with placeholder values.
  for (int i = static_cast<int>(record.settings.size()); i < 25; ++i) {
    record.settings.emplace_back("setting-" + std::to_string(i), "value " + std::to_string(i));
  }
  return record;
}

std::filesystem::path bench_folder() {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("nclab-run-file-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  return folder;
}

void write_file(const std::filesystem::path& path, const nclab::RunRecord& record) {
  std::lock_guard lock(nclab::hdf5::hdf5_mutex());
  nclab::hdf5::Handle file = nclab::hdf5::create_file(path);
  nclab::write_run_group(file.get(), "/run", record);
  file.close();
}

void BM_WriteRunFile(benchmark::State& state) {
  const nclab::RunRecord record = w1_record();
  const std::filesystem::path file = bench_folder() / "run.h5";
  for (auto _ : state) write_file(file, record);
  std::filesystem::remove_all(file.parent_path());
}

void BM_WriteRunFileDurable(benchmark::State& state) {
  const nclab::RunRecord record = w1_record();
  const std::filesystem::path folder = bench_folder();
  const std::filesystem::path temporary = folder / "run.h5.tmp";
  for (auto _ : state) {
    write_file(temporary, record);
    nclab::durable::fsync_file(temporary);
    nclab::durable::replace_file(temporary, folder / "run.h5");
  }
  std::filesystem::remove_all(folder);
}

BENCHMARK(BM_WriteRunFile)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WriteRunFileDurable)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
