// Times the member-lane kernels (framework/ensemble/member_lanes.*) on W1's network: M = 4 members of
// the 14-10-2 MLP with softmax outputs, one group of lanes.
//   ./build-rel/bench/member_lanes_bench --benchmark_repetitions=5
// BM_LanesTrainStep is one online NCL step (forward pass, output gradients, backward pass and SGD
// step); BM_LanesPredict evaluates 690 patterns, as the per-epoch metrics of W1 do. items_per_second
// counts patterns.

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/core/rng.hpp"
#include "framework/ensemble/member_lanes.hpp"
#include "framework/ensemble/penalties.hpp"
#include "framework/model/dense_network.hpp"

namespace {

using nclab::Matrix;

constexpr std::size_t kInputs = 14;
constexpr std::size_t kPatterns = 690;

std::vector<std::unique_ptr<nclab::Model>> make_members(std::size_t count) {
  std::vector<std::unique_ptr<nclab::Model>> models;
  for (std::size_t i = 0; i < count; ++i) {
    auto model = std::make_unique<nclab::DenseNetwork>(
        kInputs, std::vector<nclab::DenseLayerSpec>{{10, nclab::Activation::sigmoid}, {2, nclab::Activation::softmax}});
    nclab::Rng rng = nclab::Rng::stream(5, 1, i, nclab::StreamPurpose::initialization);
    model->initialize_uniform(rng, 0.5);
    models.push_back(std::move(model));
  }
  return models;
}

Matrix make_inputs() {
  nclab::Rng rng(11);
  Matrix x(kPatterns, kInputs);
  for (std::size_t n = 0; n < kPatterns; ++n) {
    for (std::size_t i = 0; i < kInputs; ++i) x(n, i) = rng.uniform(-1.0, 1.0);
  }
  return x;
}

void BM_LanesTrainStep(benchmark::State& state) {
  const auto models = make_members(4);
  const auto lanes = nclab::MemberLanes::create(models);
  lanes->load(models);
  const Matrix x = make_inputs();
  // Targets from the sign of the inputs' sum, so that the weights settle instead of drifting.
  std::vector<double> targets(2 * kPatterns, 0.0);
  for (std::size_t p = 0; p < kPatterns; ++p) {
    double sum = 0.0;
    for (std::size_t i = 0; i < kInputs; ++i) sum += x(p, i);
    targets[2 * p + (sum > 0.0 ? 1 : 0)] = 1.0;
  }
  nclab::NclForm form;
  form.penalised = true;
  form.coefficient = 0.5 * 2.0 * (1.0 - 1.0 / 4.0);
  double ensemble[2];
  std::size_t n = 0;
  for (auto _ : state) {
    lanes->forward(x.row(n).data());
    lanes->ncl_backward_and_step(targets.data() + 2 * n, form, nclab::LossKind::squared_error, 0.1, ensemble);
    benchmark::DoNotOptimize(ensemble);
    n = n + 1 == kPatterns ? 0 : n + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_LanesPredict(benchmark::State& state) {
  const auto models = make_members(4);
  const auto lanes = nclab::MemberLanes::create(models);
  lanes->load(models);
  const Matrix x = make_inputs();
  std::vector<Matrix> outputs(4, Matrix(kPatterns, 2));
  for (auto _ : state) {
    lanes->predict(x.view(), outputs);
    benchmark::DoNotOptimize(outputs[3](kPatterns - 1, 1));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPatterns));
}

BENCHMARK(BM_LanesTrainStep);
BENCHMARK(BM_LanesPredict)->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
