// Times the loop and BLAS paths of the dense kernels over a range of shapes, to place
// dense_forward_blas_min_flops and dense_backward_blas_min_flops where the BLAS path starts to win:
//   cmake -S . -B build-bench -DNCLAB_BENCH=ON && cmake --build build-bench -j2
//   ./build-bench/bench/dense_kernels_bench --benchmark_min_time=0.2
// BLAS runs on one thread, as inside a training task.
// Each benchmark reports its FLOP count 2 N out in as the counter "flops".

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/core/rng.hpp"
#include "framework/math/dense.hpp"

namespace {

using nclab::DensePath;
using nclab::Matrix;

struct DenseShape {
  Matrix x;
  Matrix w;
  std::vector<double> b;
  Matrix y;
  Matrix g;
  Matrix dw;
  std::vector<double> db;
  Matrix dx;

  DenseShape(std::size_t batch, std::size_t outputs, std::size_t inputs)
      : x(batch, inputs), w(outputs, inputs), b(outputs), y(batch, outputs), g(batch, outputs),
        dw(outputs, inputs), db(outputs), dx(batch, inputs) {
    nclab::Rng rng(1);
    for (double& v : x.storage()) v = rng.uniform(-1, 1);
    for (double& v : w.storage()) v = rng.uniform(-1, 1);
    for (double& v : b) v = rng.uniform(-1, 1);
    for (double& v : g.storage()) v = rng.uniform(-1, 1);
  }
};

void set_flops_counter(benchmark::State& state) {
  state.counters["flops"] = static_cast<double>(
      nclab::dense_flops(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)),
                         static_cast<std::size_t>(state.range(2))));
}

template <DensePath path>
void BM_DenseForward(benchmark::State& state) {
  DenseShape s(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)),
               static_cast<std::size_t>(state.range(2)));
  for (auto _ : state) {
    nclab::dense_forward(s.x, s.w, s.b, s.y, path);
    benchmark::DoNotOptimize(s.y.data());
    benchmark::ClobberMemory();
  }
  set_flops_counter(state);
}

// Backward with dX (a hidden or output layer) when with_input_gradient is true, else without it (the
// first layer, whose input gradient no one needs).
template <DensePath path, bool with_input_gradient>
void BM_DenseBackward(benchmark::State& state) {
  DenseShape s(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)),
               static_cast<std::size_t>(state.range(2)));
  nclab::MatrixView dx = s.dx;
  nclab::MatrixView* dx_pointer = with_input_gradient ? &dx : nullptr;
  for (auto _ : state) {
    nclab::dense_backward(s.x, s.w, s.g, s.dw, s.db, dx_pointer, path);
    benchmark::DoNotOptimize(s.dw.data());
    benchmark::DoNotOptimize(s.dx.data());
    benchmark::ClobberMemory();
  }
  set_flops_counter(state);
}

// {batch, outputs, inputs}: the two layers of the 14-10-2 MLP at batch 1, then shapes that grow
// through the crossover, from 40 to 4 million FLOPs.
void dense_shapes(benchmark::internal::Benchmark* benchmark) {
  const std::vector<std::vector<int64_t>> shapes = {
      {1, 2, 10},    {1, 10, 14},  {2, 10, 14},   {1, 16, 16},   {4, 10, 14},   {1, 10, 100},
      {1, 100, 10},  {1, 32, 32},  {8, 10, 14},   {2, 32, 32},   {16, 10, 14},  {1, 64, 64},
      {4, 32, 32},   {32, 10, 14}, {8, 32, 32},   {1, 100, 100}, {16, 32, 32},  {32, 32, 32},
      {256, 10, 14}, {1, 200, 200}, {32, 64, 64}, {128, 64, 64}, {128, 128, 128},
  };
  for (const auto& shape : shapes) benchmark->Args(shape);
}

BENCHMARK(BM_DenseForward<DensePath::loop>)->Apply(dense_shapes);
BENCHMARK(BM_DenseForward<DensePath::blas>)->Apply(dense_shapes);
BENCHMARK(BM_DenseBackward<DensePath::loop, true>)->Apply(dense_shapes);
BENCHMARK(BM_DenseBackward<DensePath::blas, true>)->Apply(dense_shapes);
BENCHMARK(BM_DenseBackward<DensePath::loop, false>)->Apply(dense_shapes);
BENCHMARK(BM_DenseBackward<DensePath::blas, false>)->Apply(dense_shapes);

}  // namespace

int main(int argc, char** argv) {
  // One BLAS thread, as inside a training task.
  openblas_set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
