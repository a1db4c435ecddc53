// Times whole train_ensemble runs: M = 4 members of the 14-10-2 MLP (softmax outputs, squared error)
// on 621 training and 69 test patterns, 20 epochs, per-epoch metrics included.
//   ./build-bench/bench/ensemble_training_bench --benchmark_min_time=1
// items_per_second is member-pattern updates per second (members x training patterns x epochs per
// second of wall time). Arguments: batch size, then 1 to run members in parallel (oneTBB) in every
// step or 0 to run them in order.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "framework/core/blas_setup.hpp"
#include "framework/core/rng.hpp"
#include "framework/data/dataset.hpp"
#include "framework/ensemble/trainer.hpp"
#include "framework/model/registry.hpp"

namespace {

using nclab::Matrix;

// Two classes separated by a random hyperplane in 14 standard normal inputs, one-hot targets.
void fill_part(Matrix& inputs, Matrix& targets, std::vector<int>& labels, const std::vector<double>& normal,
               nclab::Rng& rng) {
  labels.resize(inputs.rows());
  targets.fill(0.0);
  for (std::size_t n = 0; n < inputs.rows(); ++n) {
    double side = 0.0;
    for (std::size_t j = 0; j < inputs.cols(); ++j) {
      inputs(n, j) = rng.normal();
      side += normal[j] * inputs(n, j);
    }
    labels[n] = side > 0.0 ? 1 : 0;
    targets(n, static_cast<std::size_t>(labels[n])) = 1.0;
  }
}

nclab::PreparedData make_data() {
  nclab::Rng rng(7);
  std::vector<double> normal(14);
  for (double& value : normal) value = rng.normal();
  nclab::PreparedData data;
  data.task = nclab::Task::classification;
  data.label_names = {"0", "1"};
  data.train_inputs = Matrix(621, 14);
  data.train_targets = Matrix(621, 2);
  data.test_inputs = Matrix(69, 14);
  data.test_targets = Matrix(69, 2);
  fill_part(data.train_inputs, data.train_targets, data.train_labels, normal, rng);
  fill_part(data.test_inputs, data.test_targets, data.test_labels, normal, rng);
  return data;
}

void BM_TrainEnsemble(benchmark::State& state) {
  static const nclab::PreparedData data = make_data();
  nclab::TrainingConfig config;
  config.method = nclab::Method::ncl;
  config.lambda = 0.5;
  config.members = 4;
  config.model = "mlp";
  config.model_options = {{"hidden", 10}};
  config.output_activation = nclab::Activation::softmax;
  config.epochs = 20;
  config.batch = static_cast<std::size_t>(state.range(0));
  config.learning_rate = 0.1;
  nclab::TrainerOptions options;
  options.parallel_member_work = state.range(1) == 1 ? 0 : SIZE_MAX;

  std::uint64_t run_key = 0;
  for (auto _ : state) {
    const nclab::RunRecord record = nclab::train_ensemble(config, data, ++run_key, nullptr, options);
    benchmark::DoNotOptimize(record.final_parameters.data());
  }
  const auto updates_per_run = static_cast<std::int64_t>(config.members * data.train_inputs.rows() * config.epochs);
  state.SetItemsProcessed(state.iterations() * updates_per_run);
}

BENCHMARK(BM_TrainEnsemble)
    ->ArgNames({"batch", "parallel"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({32, 0})
    ->Args({32, 1})
    ->Args({621, 0})
    ->Args({621, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  nclab::configure_blas_single_threaded();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
