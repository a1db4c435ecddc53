// End-to-end training runs with the registered models (mlp, autoencoder) built through the registry.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "framework/core/rng.hpp"
#include "framework/ensemble/ensemble_members.hpp"
#include "framework/ensemble/trainer.hpp"
#include "framework/model/registry.hpp"
#include "tests/support/allocation_counter.hpp"
#include "tests/support/ensemble_test_data.hpp"

namespace nclab {
namespace {

using testing::expect_identical_records;

constexpr std::uint64_t kRunKey = 99;

// 14 inputs and 2 classes, as for the 14-10-2 MLP on the 14-feature Australian credit data.
const PreparedData& classification_data() {
  static const PreparedData data = testing::make_classification_data(200, 80, 14, 2, 51);
  return data;
}

const PreparedData& regression_data() {
  static const PreparedData data = testing::make_regression_data(120, 40, 4, 1, 52);
  return data;
}

TrainingConfig mlp_config(Method method, double coefficient, Task task) {
  TrainingConfig config;
  config.method = method;
  config.lambda = coefficient;
  config.gamma = coefficient;
  config.members = 4;
  config.model = "mlp";
  config.model_options = {{"hidden", 10}};
  config.output_activation = task == Task::classification ? Activation::softmax : Activation::identity;
  config.epochs = 8;
  config.learning_rate = 0.1;
  config.seed = 5;
  return config;
}

RunRecord train(const TrainingConfig& config, const PreparedData& data, std::size_t parallel_work = SIZE_MAX) {
  TrainerOptions options;
  options.parallel_member_work = parallel_work;
  return train_ensemble(config, data, kRunKey, nullptr, options);
}

TEST(MlpTraining, NclClassificationLearns) {
  TrainingConfig config = mlp_config(Method::ncl, 0.5, Task::classification);
  config.epochs = 20;
  const RunRecord record = train(config, classification_data());
  ASSERT_EQ(record.status, RunStatus::complete);
  const std::size_t last = config.epochs - 1;
  const std::size_t ensemble = config.members;
  EXPECT_LT(record.metrics.train_loss(last, ensemble), record.metrics.train_loss(0, ensemble));
  EXPECT_LT(record.metrics.test_error_rate(last, ensemble), 0.15);
  ASSERT_EQ(record.final_parameters[0].layout.size(), 2u);
  EXPECT_EQ(record.final_parameters[0].parameters.size(), 14u * 10u + 10u + 10u * 2u + 2u);
}

TEST(MlpTraining, LambdaZeroIsIndependentBitForBit) {
  TrainingConfig independent = mlp_config(Method::independent, 0.0, Task::classification);
  independent.loss = LossKind::cross_entropy;
  TrainingConfig ncl = independent;
  ncl.method = Method::ncl;
  expect_identical_records(train(independent, classification_data()), train(ncl, classification_data()));

  TrainingConfig regression = mlp_config(Method::independent, 0.0, Task::regression);
  TrainingConfig decorrelated = mlp_config(Method::decorrelated, 0.6, Task::regression);
  decorrelated.indicator = Indicator::none;
  expect_identical_records(train(regression, regression_data()), train(decorrelated, regression_data()), false);
}

TEST(MlpTraining, ParallelMembersMatchSerialMembers) {
  for (std::size_t batch : {1u, 16u}) {
    TrainingConfig config = mlp_config(Method::ncl_exact, 0.5, Task::classification);
    config.batch = batch;
    config.momentum = 0.5;
    SCOPED_TRACE("batch " + std::to_string(batch));
    expect_identical_records(train(config, classification_data(), SIZE_MAX), train(config, classification_data(), 0));
  }
}

TEST(MlpTraining, AmbiguityDecompositionHoldsEveryEpoch) {
  const TrainingConfig config = mlp_config(Method::ncl_exact, 0.6, Task::regression);
  const RunRecord record = train(config, regression_data());
  const std::size_t m = config.members;
  for (std::size_t e = 0; e < record.epochs_completed; ++e) {
    double mean_member = 0.0;
    for (std::size_t i = 0; i < m; ++i) mean_member += record.metrics.train_mse(e, i) / static_cast<double>(m);
    EXPECT_NEAR(record.metrics.train_mse(e, m), mean_member - record.metrics.train_ambiguity[e], 1e-12) << "epoch " << e;
  }
}

TEST(MlpTraining, SequentialFirstMemberIgnoresLambda) {
  TrainingConfig weak = mlp_config(Method::decorrelated, 0.2, Task::regression);
  weak.mode = TrainingMode::sequential;
  weak.indicator = Indicator::previous;
  TrainingConfig strong = weak;
  strong.lambda = 1.5;
  const RunRecord a = train(weak, regression_data());
  const RunRecord b = train(strong, regression_data());
  EXPECT_EQ(a.final_parameters[0].parameters, b.final_parameters[0].parameters);
  EXPECT_NE(a.final_parameters[1].parameters, b.final_parameters[1].parameters);
}

TEST(MlpTraining, AutoencoderReconstructsInputs) {
  PreparedData data = testing::make_regression_data(100, 30, 6, 1, 53);
  data.train_targets = data.train_inputs;
  data.test_targets = data.test_inputs;
  TrainingConfig config = mlp_config(Method::ncl, 0.5, Task::regression);
  config.model = "autoencoder";
  config.model_options = {{"hidden", 8}, {"code", 3}};
  config.epochs = 15;
  config.learning_rate = 0.05;
  const RunRecord record = train(config, data);
  ASSERT_EQ(record.status, RunStatus::complete);
  EXPECT_EQ(record.test_outputs[0].cols(), 6u);
  EXPECT_EQ(record.final_parameters[0].layout.size(), 4u);
  EXPECT_LT(record.metrics.train_mse(config.epochs - 1, config.members), record.metrics.train_mse(0, config.members));
}

TEST(MlpTraining, StepsAllocateNothing) {
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds keep their own operator new";
  const PreparedData& data = classification_data();
  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig model_config = registry.make_config("mlp", 14, 2, Activation::softmax, {{"hidden", 10}});
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < 4; ++i) {
    models.push_back(registry.create("mlp", model_config));
    Rng init = Rng::stream(1, 2, i, StreamPurpose::initialization);
    models.back()->initialize_uniform(init, 0.5);
  }
  EnsembleMembers members(std::move(models), 8, 0.1, 0.9, SIZE_MAX);
  const PenaltySettings ncl{Method::ncl, 0.5, Indicator::previous, LossKind::squared_error};
  const PenaltySettings exact{Method::ncl_exact, 0.5, Indicator::previous, LossKind::cross_entropy};
  const PenaltySettings rosen{Method::decorrelated, 0.5, Indicator::all_previous, LossKind::squared_error};
  const auto step = [&](std::size_t first, std::size_t rows, const PenaltySettings& penalty) {
    members.concurrent_step(data.train_inputs.view().rows_range(first, rows),
                            data.train_targets.view().rows_range(first, rows), penalty);
  };
  // The first step at each batch size allocates the models' workspaces.
  step(0, 8, ncl);
  step(0, 1, ncl);

  const std::size_t before = test_support::allocation_count();
  for (std::size_t n = 0; n < 50; ++n) {
    step(n, 1, ncl);
    step(n, 1, exact);
    step(n, 1, rosen);
    step(n, 8, ncl);
  }
  EXPECT_EQ(test_support::allocation_count(), before);
}

}  // namespace
}  // namespace nclab
