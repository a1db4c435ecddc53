// Whole training runs of the concurrent trainer on linear members.

#include "framework/ensemble/trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/rng.hpp"
#include "framework/ensemble/ensemble_members.hpp"
#include "tests/support/ensemble_test_data.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab {
namespace {

using testing::expect_identical_records;
using testing::linear_members;

constexpr std::uint64_t kRunKey = 0x5eed;

TrainingConfig small_config(Method method, double coefficient) {
  TrainingConfig config;
  config.method = method;
  config.lambda = coefficient;
  config.gamma = coefficient;
  config.members = 4;
  config.epochs = 6;
  config.learning_rate = 0.05;
  config.momentum = 0.5;
  config.init_range = 0.5;
  config.seed = 3;
  return config;
}

const PreparedData& regression_data() {
  static const PreparedData data = testing::make_regression_data(40, 15, 3, 2, 21);
  return data;
}

const PreparedData& classification_data() {
  static const PreparedData data = testing::make_classification_data(45, 20, 3, 3, 22);
  return data;
}

RunRecord train(const TrainingConfig& config, const PreparedData& data, std::size_t parallel_work = SIZE_MAX,
                const TrainingObserver* observer = nullptr) {
  TrainerOptions options;
  options.parallel_member_work = parallel_work;
  return train_ensemble(config, data, kRunKey, linear_members(data), observer, options);
}

TEST(Trainer, NclLambdaZeroMatchesIndependent) {
  for (const PreparedData* data : {&regression_data(), &classification_data()}) {
    for (std::size_t batch : {1u, 7u}) {
      TrainingConfig independent = small_config(Method::independent, 0.0);
      independent.batch = batch;
      TrainingConfig ncl = independent;
      ncl.method = Method::ncl;
      ncl.lambda = 0.0;
      expect_identical_records(train(independent, *data), train(ncl, *data));
    }
  }
}

TEST(Trainer, DecorrelatedNoneMatchesIndependent) {
  TrainingConfig independent = small_config(Method::independent, 0.0);
  TrainingConfig decorrelated = small_config(Method::decorrelated, 0.8);
  decorrelated.indicator = Indicator::none;
  expect_identical_records(train(independent, regression_data()), train(decorrelated, regression_data()), false);
  independent.loss = decorrelated.loss = LossKind::cross_entropy;
  expect_identical_records(train(independent, classification_data()), train(decorrelated, classification_data()),
                           false);
}

TEST(Trainer, PenaltyChangesTraining) {
  const RunRecord independent = train(small_config(Method::independent, 0.0), regression_data());
  const RunRecord ncl = train(small_config(Method::ncl, 0.5), regression_data());
  EXPECT_NE(independent.final_parameters[0].parameters, ncl.final_parameters[0].parameters);
}

TEST(Trainer, ParallelAndSerialMembersAreBitwiseIdentical) {
  struct Case {
    Method method;
    LossKind loss;
    std::size_t batch;
    bool classification;
  };
  const Case cases[] = {
      {Method::ncl, LossKind::squared_error, 1, false},
      {Method::ncl_exact, LossKind::squared_error, 8, false},
      {Method::decorrelated, LossKind::squared_error, 3, false},
      {Method::ncl, LossKind::cross_entropy, 1, true},
      {Method::ncl_exact, LossKind::squared_error, 5, true},
  };
  for (const Case& c : cases) {
    TrainingConfig config = small_config(c.method, 0.4);
    config.loss = c.loss;
    config.batch = c.batch;
    config.snapshot_every = 2;
    const PreparedData& data = c.classification ? classification_data() : regression_data();
    SCOPED_TRACE(to_string(c.method) + " batch " + std::to_string(c.batch));
    expect_identical_records(train(config, data, SIZE_MAX), train(config, data, 0));
  }
}

TEST(Trainer, SameSeedGivesSameRecord) {
  const TrainingConfig config = small_config(Method::ncl, 0.6);
  expect_identical_records(train(config, regression_data()), train(config, regression_data()));
  TrainingConfig other_seed = config;
  other_seed.seed = 4;
  EXPECT_NE(train(config, regression_data()).final_parameters[0].parameters,
            train(other_seed, regression_data()).final_parameters[0].parameters);
}

TEST(Trainer, AmbiguityDecompositionHoldsEveryEpoch) {
  for (Method method : {Method::independent, Method::ncl, Method::ncl_exact, Method::decorrelated}) {
    TrainingConfig config = small_config(method, 0.5);
    config.epochs = 8;
    const RunRecord record = train(config, regression_data());
    const std::size_t m = config.members;
    for (std::size_t e = 0; e < record.epochs_completed; ++e) {
      double train_mean = 0.0;
      double test_mean = 0.0;
      for (std::size_t i = 0; i < m; ++i) {
        train_mean += record.metrics.train_mse(e, i) / static_cast<double>(m);
        test_mean += record.metrics.test_mse(e, i) / static_cast<double>(m);
      }
      EXPECT_NEAR(record.metrics.train_mse(e, m), train_mean - record.metrics.train_ambiguity[e], 1e-12)
          << to_string(method) << " epoch " << e;
      EXPECT_NEAR(record.metrics.test_mse(e, m), test_mean - record.metrics.test_ambiguity[e], 1e-12)
          << to_string(method) << " epoch " << e;
    }
  }
}

TEST(Trainer, RecordHasEveryPart) {
  TrainingConfig config = small_config(Method::ncl_exact, 0.5);
  config.snapshot_every = 2;
  const PreparedData& data = regression_data();
  const RunRecord record = train(config, data);
  const std::size_t m = config.members;

  EXPECT_EQ(record.status, RunStatus::complete);
  EXPECT_EQ(record.epochs_completed, config.epochs);
  EXPECT_EQ(record.diverged_epoch, -1);
  for (const Matrix* metric : {&record.metrics.train_loss, &record.metrics.test_loss, &record.metrics.train_mse,
                               &record.metrics.test_mse, &record.metrics.train_nrmse, &record.metrics.test_nrmse}) {
    EXPECT_EQ(metric->rows(), config.epochs);
    EXPECT_EQ(metric->cols(), m + 1);
  }
  EXPECT_TRUE(record.metrics.train_error_rate.empty());
  EXPECT_TRUE(record.metrics.validation_loss.empty());
  EXPECT_EQ(record.metrics.active_member, std::vector<int>(config.epochs, -1));
  EXPECT_EQ(record.metrics.coefficient, std::vector<double>(config.epochs, 0.5));
  EXPECT_EQ(record.train_correlation.rows(), m);
  EXPECT_EQ(record.test_correlation.cols(), m);
  for (std::size_t i = 0; i < m; ++i) EXPECT_DOUBLE_EQ(record.train_correlation(i, i), 1.0);
  EXPECT_DOUBLE_EQ(record.coefficient_gamma, 0.5);
  EXPECT_DOUBLE_EQ(record.coefficient_lambda, 2 * 0.5 * 3 / 4.0);

  ASSERT_EQ(record.snapshots.size(), 3u);
  EXPECT_EQ(record.snapshots[0].epoch, 2u);
  EXPECT_EQ(record.snapshots[2].epoch, 6u);
  EXPECT_EQ(record.snapshots[2].members[1], record.final_parameters[1].parameters);

  ASSERT_EQ(record.final_parameters.size(), m);
  ASSERT_EQ(record.test_outputs.size(), m);
  for (std::size_t i = 0; i < m; ++i) {
    ASSERT_EQ(record.final_parameters[i].layout.size(), 1u);
    EXPECT_EQ(record.final_parameters[i].parameters.size(), 3u * 2u + 2u);
    // The stored test outputs are those of the stored final parameters.
    testing::LinearModel model(3, 2, Activation::identity);
    std::copy(record.final_parameters[i].parameters.begin(), record.final_parameters[i].parameters.end(),
              model.parameters().begin());
    Matrix outputs(data.test_inputs.rows(), 2);
    model.forward(data.test_inputs.view(), outputs.view());
    EXPECT_EQ(outputs.storage(), record.test_outputs[i].storage()) << "member index " << i;
  }
}

TEST(Trainer, ClassificationRecordsErrorRates) {
  TrainingConfig config = small_config(Method::ncl, 0.5);
  config.loss = LossKind::cross_entropy;
  config.epochs = 15;
  const RunRecord record = train(config, classification_data());
  ASSERT_EQ(record.metrics.train_error_rate.rows(), config.epochs);
  EXPECT_TRUE(record.metrics.train_nrmse.empty());
  const std::size_t last = config.epochs - 1;
  EXPECT_LT(record.metrics.train_error_rate(last, config.members), record.metrics.train_error_rate(0, config.members) + 1e-12);
  EXPECT_LT(record.metrics.train_loss(last, config.members), record.metrics.train_loss(0, config.members));
}

TEST(Trainer, TrainingLowersLoss) {
  TrainingConfig config = small_config(Method::ncl, 0.5);
  config.epochs = 20;
  config.learning_rate = 0.002;
  const RunRecord record = train(config, regression_data());
  const std::size_t last = config.epochs - 1;
  for (std::size_t column = 0; column <= config.members; ++column) {
    EXPECT_LT(record.metrics.train_mse(last, column), record.metrics.train_mse(0, column)) << "column " << column;
  }
}

TEST(Trainer, ScheduledCoefficientIsLogged) {
  TrainingConfig config = small_config(Method::ncl, 1.0);
  config.epochs = 5;
  config.schedule.kind = ScheduleKind::linear;
  config.schedule.from = 0.0;
  const RunRecord record = train(config, regression_data());
  const std::vector<double> expected{0.0, 0.25, 0.5, 0.75, 1.0};
  EXPECT_EQ(record.metrics.coefficient, expected);
}

TEST(Trainer, StepScheduleLogsEveryEpoch) {
  TrainingConfig config = small_config(Method::decorrelated, 2.0);
  config.epochs = 5;
  config.schedule.kind = ScheduleKind::step;
  config.schedule.every = 2;
  config.schedule.factor = 0.5;
  const RunRecord record = train(config, regression_data());
  EXPECT_EQ(record.metrics.coefficient, (std::vector<double>{2.0, 2.0, 1.0, 1.0, 0.5}));
}

TEST(Trainer, ManualOnlineLoopReproducesRun) {
  // Online training: one pattern per step, the order shuffled each epoch by the (seed, run_key, 0,
  // shuffle) stream and shared by all members, initial parameters from (seed, run_key, i, initialization).
  TrainingConfig config = small_config(Method::ncl, 0.7);
  config.epochs = 3;
  const PreparedData& data = regression_data();
  const RunRecord record = train(config, data);

  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < config.members; ++i) {
    models.push_back(std::make_unique<testing::LinearModel>(3, 2, Activation::identity));
    Rng init = Rng::stream(config.seed, kRunKey, i, StreamPurpose::initialization);
    models.back()->initialize_uniform(init, config.init_range);
  }
  EnsembleMembers members(std::move(models), 1, config.learning_rate, config.momentum, SIZE_MAX);
  Rng shuffle = Rng::stream(config.seed, kRunKey, 0, StreamPurpose::shuffle);
  std::vector<std::size_t> order(data.train_inputs.rows());
  const PenaltySettings penalty{Method::ncl, 0.7, Indicator::previous, LossKind::squared_error};
  for (std::size_t epoch = 0; epoch < config.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    shuffle.shuffle(std::span<std::size_t>(order));
    for (std::size_t pattern : order) {
      members.concurrent_step(data.train_inputs.view().rows_range(pattern, 1),
                              data.train_targets.view().rows_range(pattern, 1), penalty);
    }
  }
  for (std::size_t i = 0; i < config.members; ++i) {
    const auto parameters = members.member(i).parameters();
    EXPECT_EQ(std::vector<double>(parameters.begin(), parameters.end()), record.final_parameters[i].parameters)
        << "member index " << i;
  }
}

TEST(Trainer, FullBatchStepUsesMeanGradient) {
  TrainingConfig config = small_config(Method::ncl_exact, 0.4);
  config.epochs = 1;
  config.momentum = 0.0;
  const PreparedData& data = regression_data();
  config.batch = data.train_inputs.rows();
  const RunRecord record = train(config, data);

  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < config.members; ++i) {
    models.push_back(std::make_unique<testing::LinearModel>(3, 2, Activation::identity));
    Rng init = Rng::stream(config.seed, kRunKey, i, StreamPurpose::initialization);
    models.back()->initialize_uniform(init, config.init_range);
  }
  EnsembleMembers members(std::move(models), config.batch, config.learning_rate, 0.0, SIZE_MAX);
  members.compute_concurrent_gradients(data.train_inputs.view(), data.train_targets.view(),
                                       {Method::ncl_exact, 0.4, Indicator::previous, LossKind::squared_error});
  const double rows = static_cast<double>(config.batch);
  for (std::size_t i = 0; i < config.members; ++i) {
    const auto start = members.member(i).parameters();
    const auto gradient = members.parameter_gradient(i);
    for (std::size_t p = 0; p < start.size(); ++p) {
      EXPECT_NEAR(record.final_parameters[i].parameters[p], start[p] - config.learning_rate * gradient[p] / rows, 1e-14)
          << "member index " << i << " parameter " << p;
    }
  }
}

TEST(Trainer, HugeLearningRateDiverges) {
  TrainingConfig config = small_config(Method::ncl, 0.5);
  config.learning_rate = 1e6;
  config.momentum = 0.9;
  config.epochs = 200;
  RunRecord record;
  ASSERT_NO_THROW(record = train(config, regression_data()));
  EXPECT_EQ(record.status, RunStatus::diverged);
  ASSERT_GE(record.diverged_epoch, 0);
  EXPECT_LT(record.diverged_epoch, 200);
  EXPECT_EQ(record.epochs_completed, static_cast<std::size_t>(record.diverged_epoch));
  EXPECT_EQ(record.metrics.train_loss.rows(), record.epochs_completed);
  EXPECT_NE(record.message.find("diverged in epoch " + std::to_string(record.diverged_epoch)), std::string::npos)
      << record.message;
  EXPECT_NE(record.message.find("member index"), std::string::npos) << record.message;
  for (const auto& member : record.final_parameters) {
    for (double value : member.parameters) ASSERT_TRUE(std::isfinite(value));
  }
}

TEST(Trainer, ObserverSeesEveryEpochAndCanStop) {
  std::vector<std::size_t> rows;
  TrainingObserver observer;
  observer.epoch_done = [&](const EpochProgress& progress) {
    rows.push_back(progress.row);
    EXPECT_EQ(progress.planned_rows, 6u);
    EXPECT_EQ(progress.active_member, -1);
    EXPECT_TRUE(std::isfinite(progress.train_loss));
  };
  observer.stop_requested = [&] { return rows.size() == 4; };
  const RunRecord record = train(small_config(Method::ncl, 0.3), regression_data(), SIZE_MAX, &observer);
  EXPECT_EQ(rows, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(record.status, RunStatus::failed);
  EXPECT_EQ(record.epochs_completed, 4u);
  EXPECT_NE(record.message.find("stopped on request after 4 of 6 epochs"), std::string::npos) << record.message;
}

TEST(Trainer, EmptyTestPartGivesNanTestMetrics) {
  PreparedData data = regression_data();
  data.test_inputs = Matrix(0, 3);
  data.test_targets = Matrix(0, 2);
  const RunRecord record = train(small_config(Method::ncl, 0.5), data);
  EXPECT_EQ(record.status, RunStatus::complete);
  EXPECT_TRUE(std::isnan(record.metrics.test_loss(0, 0)));
  EXPECT_TRUE(std::isnan(record.test_correlation(0, 1)));
  EXPECT_TRUE(std::isfinite(record.metrics.train_loss(0, 0)));
}

// One class gives one softmax output that is 1 for every weight, so training cannot learn anything.
TEST(Trainer, SingleClassIsRejected) {
  const PreparedData one_class = testing::make_classification_data(30, 10, 3, 1, 23);
  ASSERT_EQ(one_class.train_targets.cols(), 1u);
  try {
    train(small_config(Method::ncl, 0.5), one_class);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("single class"), std::string::npos) << message;
    EXPECT_NE(message.find("--target"), std::string::npos) << message;
  }
}

TEST(Trainer, InvalidInputsAreRejected) {
  TrainingConfig config = small_config(Method::ncl, 1.5);
  EXPECT_THROW(train(config, regression_data()), InputError);

  TrainingConfig cross_entropy = small_config(Method::ncl, 0.5);
  cross_entropy.loss = LossKind::cross_entropy;
  EXPECT_THROW(train(cross_entropy, regression_data()), InputError);

  const TrainingConfig valid = small_config(Method::ncl, 0.5);
  const MemberFactory wrong_outputs = [] { return std::make_unique<testing::LinearModel>(3, 5, Activation::identity); };
  EXPECT_THROW(train_ensemble(valid, regression_data(), kRunKey, wrong_outputs), InputError);
  const MemberFactory identity_members = [] { return std::make_unique<testing::LinearModel>(3, 3, Activation::identity); };
  EXPECT_THROW(train_ensemble(valid, classification_data(), kRunKey, identity_members), InputError);
  const MemberFactory softmax_members = [] { return std::make_unique<testing::LinearModel>(3, 2, Activation::softmax); };
  EXPECT_THROW(train_ensemble(valid, regression_data(), kRunKey, softmax_members), InputError);

  PreparedData bad_labels = classification_data();
  bad_labels.train_labels[0] = 7;
  EXPECT_THROW(train(valid, bad_labels), InputError);
}

}  // namespace
}  // namespace nclab
