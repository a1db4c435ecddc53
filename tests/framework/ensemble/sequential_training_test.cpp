// Sequential training (Rosen's decorrelated networks): member j trains through all its epochs against
// the fixed, already trained members 0..j-1.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/ensemble/trainer.hpp"
#include "framework/ensemble/metrics.hpp"
#include "tests/support/ensemble_test_data.hpp"

namespace nclab {
namespace {

using testing::expect_identical_records;
using testing::linear_members;

constexpr std::uint64_t kRunKey = 77;

TrainingConfig sequential_config(double lambda, Indicator indicator) {
  TrainingConfig config;
  config.method = Method::decorrelated;
  config.mode = TrainingMode::sequential;
  config.lambda = lambda;
  config.indicator = indicator;
  config.members = 3;
  config.epochs = 5;
  config.learning_rate = 0.05;
  config.momentum = 0.3;
  config.seed = 9;
  return config;
}

const PreparedData& data() {
  static const PreparedData prepared = testing::make_regression_data(30, 12, 3, 2, 31);
  return prepared;
}

RunRecord train(const TrainingConfig& config, std::size_t parallel_work = SIZE_MAX) {
  TrainerOptions options;
  options.parallel_member_work = parallel_work;
  return train_ensemble(config, data(), kRunKey, linear_members(data()), nullptr, options);
}

TEST(SequentialTraining, FirstMemberDoesNotDependOnLambda) {
  const RunRecord weak = train(sequential_config(0.2, Indicator::all_previous));
  const RunRecord strong = train(sequential_config(0.9, Indicator::all_previous));
  EXPECT_EQ(weak.final_parameters[0].parameters, strong.final_parameters[0].parameters);
  EXPECT_NE(weak.final_parameters[1].parameters, strong.final_parameters[1].parameters);
  EXPECT_NE(weak.final_parameters[2].parameters, strong.final_parameters[2].parameters);
}

TEST(SequentialTraining, AlternateIndicatorLeavesUnpairedMembersAlone) {
  // With M = 3 the alternate indicator pairs (2, 3) only, so members 1 and 2 train as if independent.
  const RunRecord weak = train(sequential_config(0.2, Indicator::alternate));
  const RunRecord strong = train(sequential_config(0.9, Indicator::alternate));
  EXPECT_EQ(weak.final_parameters[0].parameters, strong.final_parameters[0].parameters);
  EXPECT_EQ(weak.final_parameters[1].parameters, strong.final_parameters[1].parameters);
  EXPECT_NE(weak.final_parameters[2].parameters, strong.final_parameters[2].parameters);
}

TEST(SequentialTraining, UnpenalisedMatchesConcurrentIndependent) {
  // Every member starts from its own stream and gets the same pattern orders, so without a penalty the
  // order of training does not matter.
  TrainingConfig concurrent = sequential_config(0.0, Indicator::previous);
  concurrent.method = Method::independent;
  concurrent.mode = TrainingMode::concurrent;
  const RunRecord reference = train(concurrent);
  TrainingConfig none = sequential_config(0.7, Indicator::none);
  TrainingConfig independent = concurrent;
  independent.mode = TrainingMode::sequential;
  for (const TrainingConfig& config : {none, independent}) {
    const RunRecord record = train(config);
    for (std::size_t i = 0; i < config.members; ++i) {
      EXPECT_EQ(record.final_parameters[i].parameters, reference.final_parameters[i].parameters)
          << to_string(config.method) << " member index " << i;
    }
    EXPECT_EQ(record.test_outputs[2].storage(), reference.test_outputs[2].storage());
  }
}

TEST(SequentialTraining, RowsFollowMembers) {
  const TrainingConfig config = sequential_config(0.5, Indicator::previous);
  const RunRecord record = train(config);
  const std::size_t m = config.members;
  ASSERT_EQ(record.epochs_completed, m * config.epochs);
  ASSERT_EQ(record.metrics.train_loss.rows(), m * config.epochs);
  for (std::size_t row = 0; row < m * config.epochs; ++row) {
    const std::size_t member = row / config.epochs;
    EXPECT_EQ(record.metrics.active_member[row], static_cast<int>(member)) << "row " << row;
    for (std::size_t column = 0; column < m; ++column) {
      EXPECT_EQ(std::isnan(record.metrics.test_mse(row, column)), column > member) << "row " << row << " column " << column;
    }
    EXPECT_DOUBLE_EQ(record.metrics.coefficient[row], 0.5);
  }
  // In member 0's phase the ensemble is member 0 alone.
  for (std::size_t row = 0; row < config.epochs; ++row) {
    EXPECT_EQ(record.metrics.train_mse(row, m), record.metrics.train_mse(row, 0));
    EXPECT_EQ(record.metrics.train_ambiguity[row], 0.0);
  }
  // Earlier members are fixed while later ones train.
  for (std::size_t row = config.epochs; row < m * config.epochs; ++row) {
    EXPECT_EQ(record.metrics.test_mse(row, 0), record.metrics.test_mse(config.epochs - 1, 0)) << "row " << row;
  }
}

TEST(SequentialTraining, EnsembleColumnCoversTrainedMembers) {
  const TrainingConfig config = sequential_config(0.5, Indicator::all_previous);
  const RunRecord record = train(config);
  const std::size_t m = config.members;
  const std::size_t last = m * config.epochs - 1;
  std::vector<ConstMatrixView> outputs;
  for (const Matrix& member : record.test_outputs) outputs.push_back(member.view());
  Matrix ensemble(data().test_targets.rows(), data().test_targets.cols());
  const PartMetrics metrics = evaluate_part(outputs, data().test_targets.view(), {}, false, LossKind::squared_error,
                                            target_standard_deviation(data().test_targets.view()), ensemble.view());
  EXPECT_EQ(record.metrics.test_mse(last, m), metrics.mse[m]);
  EXPECT_EQ(record.metrics.test_ambiguity[last], metrics.ambiguity);

  // At the end of member 1's phase the ensemble is the mean of members 0 and 1.
  const std::size_t row = 2 * config.epochs - 1;
  const PartMetrics two = evaluate_part(std::span(outputs).first(2), data().test_targets.view(), {}, false,
                                        LossKind::squared_error, 1.0, ensemble.view());
  EXPECT_EQ(record.metrics.test_mse(row, m), two.mse[2]);
}

TEST(SequentialTraining, ScheduleRestartsForEachMember) {
  TrainingConfig config = sequential_config(1.0, Indicator::previous);
  config.epochs = 3;
  config.schedule.kind = ScheduleKind::linear;
  config.schedule.from = 0.0;
  const RunRecord record = train(config);
  EXPECT_EQ(record.metrics.coefficient, (std::vector<double>{0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0}));
}

TEST(SequentialTraining, ParallelSettingDoesNotChangeRecord) {
  TrainingConfig config = sequential_config(0.6, Indicator::all_previous);
  config.batch = 4;
  config.snapshot_every = 4;
  expect_identical_records(train(config, SIZE_MAX), train(config, 0));
}

TEST(SequentialTraining, DivergenceStopsAllMembers) {
  TrainingConfig config = sequential_config(0.6, Indicator::previous);
  config.learning_rate = 1e6;
  config.epochs = 100;
  const RunRecord record = train(config);
  EXPECT_EQ(record.status, RunStatus::diverged);
  EXPECT_EQ(record.epochs_completed, static_cast<std::size_t>(record.diverged_epoch));
  EXPECT_LT(record.diverged_epoch, 100);
}

}  // namespace
}  // namespace nclab
