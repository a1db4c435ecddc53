// Times one member-pattern update of DenseNetwork at batch 1: forward, the loss gradient, backward
// and a plain SGD step, and the same without the SGD step. The default shape is the 14-10-2 MLP with softmax outputs and cross-entropy.
//   ./build-bench/bench/dense_network_bench --benchmark_min_time=0.5
// items_per_second is member-pattern updates per second on one core.

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

#include "framework/core/rng.hpp"
#include "framework/math/cross_entropy.hpp"
#include "framework/math/squared_error.hpp"
#include "framework/model/dense_network.hpp"

namespace {

using nclab::Activation;
using nclab::Matrix;

// Runs one update per iteration. With `sgd_step` false it stops after backward, which separates the
// network's cost from the optimiser's.
void run_updates(benchmark::State& state, bool sgd_step) {
  const auto inputs = static_cast<std::size_t>(state.range(0));
  const auto hidden = static_cast<std::size_t>(state.range(1));
  const auto outputs = static_cast<std::size_t>(state.range(2));
  nclab::DenseNetwork network(inputs, {{hidden, Activation::sigmoid}, {outputs, Activation::softmax}});
  nclab::Rng rng(1);
  network.initialize_uniform(rng, 0.5);

  const std::size_t patterns = 256;
  Matrix x(patterns, inputs), t(patterns, outputs, 0.0);
  for (double& value : x.storage()) value = rng.uniform(-1, 1);
  for (std::size_t n = 0; n < patterns; ++n) t(n, static_cast<std::size_t>(rng.below(outputs))) = 1.0;

  Matrix y(1, outputs), grad(1, outputs);
  std::vector<double> param_grad(network.parameter_count());
  std::span<double> parameters = network.parameters();
  std::size_t n = 0;
  for (auto _ : state) {
    const nclab::ConstMatrixView xn = x.view().rows_range(n, 1);
    const nclab::ConstMatrixView tn = t.view().rows_range(n, 1);
    network.forward(xn, y);
    nclab::softmax_cross_entropy_gradient(y, tn, grad);
    network.backward(grad, nclab::GradientAt::logits, param_grad, nullptr);
    if (sgd_step) {
      for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i] -= 0.01 * param_grad[i];
    }
    n = (n + 1) % patterns;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DenseNetworkUpdate(benchmark::State& state) { run_updates(state, true); }
void BM_DenseNetworkForwardBackward(benchmark::State& state) { run_updates(state, false); }

BENCHMARK(BM_DenseNetworkForwardBackward)->Args({14, 10, 2})->Args({4, 10, 3})->Args({64, 32, 10});
BENCHMARK(BM_DenseNetworkUpdate)->Args({14, 10, 2})->Args({4, 10, 3})->Args({64, 32, 10});

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
