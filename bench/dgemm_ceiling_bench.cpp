// The machine's ceiling for dense double-precision work: OpenBLAS cblas_dgemm on large square
// matrices with 1 and 2 threads. For comparison it also times the hidden layer's products of W3
// (784-512-10 MLP, batch 128) on 1 thread, which is how nclab runs them inside a member task.
//
// The FLOPS counter is 2 m n k per call over wall time (a multi-threaded call's CPU time would count
// every thread). bench/compare.py reads it from --benchmark_format=json.

#include <cblas.h>

#include <vector>

#include <benchmark/benchmark.h>

namespace {

void run_dgemm(benchmark::State& state, CBLAS_TRANSPOSE transpose_a, CBLAS_TRANSPOSE transpose_b, int m, int n,
               int k, int threads) {
  openblas_set_num_threads(threads);
  std::vector<double> a(static_cast<std::size_t>(m) * k, 0.5);
  std::vector<double> b(static_cast<std::size_t>(k) * n, 0.25);
  std::vector<double> c(static_cast<std::size_t>(m) * n, 0.0);
  const int lda = transpose_a == CblasNoTrans ? k : m;
  const int ldb = transpose_b == CblasNoTrans ? n : k;
  for (auto _ : state) {
    cblas_dgemm(CblasRowMajor, transpose_a, transpose_b, m, n, k, 1.0, a.data(), lda, b.data(), ldb, 0.0, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate);
  openblas_set_num_threads(1);
}

// Square C = A B with n = range(0) and range(1) OpenBLAS threads.
void BM_dgemm_square(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run_dgemm(state, CblasNoTrans, CblasNoTrans, n, n, n, static_cast<int>(state.range(1)));
}
BENCHMARK(BM_dgemm_square)->ArgNames({"n", "threads"})->Args({1024, 1})->Args({2048, 1})->Args({1024, 2})->Args({2048, 2})
    ->UseRealTime()->Unit(benchmark::kMillisecond);

// The hidden layer's products in W3, as framework/math/dense_blas.cpp calls them: the forward product
// Y = X W^T of a 128-pattern step and of a 2048-pattern evaluation, and the weight gradient
// dW = G^T X (512 x 784 from 128 patterns).
void BM_dgemm_w3_forward(benchmark::State& state) {
  run_dgemm(state, CblasNoTrans, CblasTrans, static_cast<int>(state.range(0)), 512, 784, 1);
}
BENCHMARK(BM_dgemm_w3_forward)->ArgName("rows")->Arg(128)->Arg(2048)->UseRealTime();

void BM_dgemm_w3_weight_gradient(benchmark::State& state) {
  run_dgemm(state, CblasTrans, CblasNoTrans, 512, 784, 128, 1);
}
BENCHMARK(BM_dgemm_w3_weight_gradient)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
