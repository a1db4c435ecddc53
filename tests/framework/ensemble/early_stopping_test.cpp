// Early stopping on a seeded validation split of the training part.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/ensemble/trainer.hpp"
#include "tests/support/ensemble_test_data.hpp"

namespace nclab {
namespace {

using testing::linear_members;

// Few noisy patterns and many inputs, so that the linear members overfit and the validation loss rises.
const PreparedData& data() {
  static const PreparedData prepared = testing::make_regression_data(16, 10, 10, 1, 41);
  return prepared;
}

TrainingConfig early_stopping_config() {
  TrainingConfig config;
  config.method = Method::ncl;
  config.lambda = 0.5;
  config.members = 3;
  config.epochs = 400;
  config.learning_rate = 0.05;
  config.validation_fraction = 0.3;
  config.patience = 5;
  config.snapshot_every = 1;
  config.seed = 12;
  return config;
}

RunRecord train(const TrainingConfig& config) {
  return train_ensemble(config, data(), 1234, linear_members(data()));
}

std::size_t first_minimum(const std::vector<double>& values) {
  return static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
}

TEST(EarlyStopping, StopsAfterPatienceAndRestoresBestParameters) {
  const TrainingConfig config = early_stopping_config();
  const RunRecord record = train(config);
  ASSERT_EQ(record.status, RunStatus::complete);
  ASSERT_LT(record.epochs_completed, config.epochs) << "the validation loss never stopped improving";
  ASSERT_EQ(record.metrics.validation_loss.size(), record.epochs_completed);

  const std::size_t best = first_minimum(record.metrics.validation_loss);
  EXPECT_EQ(record.epochs_completed, best + 1 + config.patience);
  // Snapshot s contains the parameters after epoch s, so the best epoch's parameters are in snapshot `best`.
  ASSERT_EQ(record.snapshots.size(), record.epochs_completed);
  for (std::size_t i = 0; i < config.members; ++i) {
    EXPECT_EQ(record.final_parameters[i].parameters, record.snapshots[best].members[i]) << "member index " << i;
    EXPECT_NE(record.final_parameters[i].parameters, record.snapshots.back().members[i]) << "member index " << i;
  }
  // The record names the metrics row of the stored parameters, which the summaries report.
  EXPECT_EQ(record.stored_epoch, static_cast<long>(best));
}

TEST(EarlyStopping, WithoutItTheLastRowIsStored) {
  TrainingConfig config = early_stopping_config();
  config.validation_fraction = 0.0;
  config.epochs = 7;
  const RunRecord record = train(config);
  EXPECT_EQ(record.stored_epoch, 6);
}

TEST(EarlyStopping, TrainMetricsUseTheRemainingPatterns) {
  const RunRecord with_split = train(early_stopping_config());
  TrainingConfig no_split = early_stopping_config();
  no_split.validation_fraction = 0.0;
  no_split.epochs = 3;
  const RunRecord without = train(no_split);
  EXPECT_TRUE(without.metrics.validation_loss.empty());
  EXPECT_NE(with_split.metrics.train_mse(0, 3), without.metrics.train_mse(0, 3));
  // The test part is the same either way.
  EXPECT_EQ(with_split.test_outputs[0].rows(), data().test_inputs.rows());
}

TEST(EarlyStopping, SplitIsSeeded) {
  const RunRecord a = train(early_stopping_config());
  const RunRecord b = train(early_stopping_config());
  EXPECT_EQ(a.metrics.validation_loss, b.metrics.validation_loss);
  TrainingConfig other = early_stopping_config();
  other.seed = 13;
  EXPECT_NE(train(other).metrics.validation_loss, a.metrics.validation_loss);
}

TEST(EarlyStopping, SequentialMembersStopOnTheirOwn) {
  TrainingConfig config = early_stopping_config();
  config.method = Method::decorrelated;
  config.mode = TrainingMode::sequential;
  config.indicator = Indicator::previous;
  config.snapshot_every = 0;
  const RunRecord record = train(config);
  ASSERT_EQ(record.status, RunStatus::complete);
  EXPECT_LT(record.epochs_completed, config.members * config.epochs);
  // Every member has a phase, and each ends patience epochs after its best validation loss.
  const auto& active = record.metrics.active_member;
  for (int member = 0; member < static_cast<int>(config.members); ++member) {
    const auto first = std::find(active.begin(), active.end(), member);
    const auto last = std::find_if(first, active.end(), [&](int value) { return value != member; });
    ASSERT_NE(first, active.end()) << "member " << member;
    const std::vector<double> phase(record.metrics.validation_loss.begin() + (first - active.begin()),
                                    record.metrics.validation_loss.begin() + (last - active.begin()));
    if (phase.size() < config.epochs) {
      EXPECT_EQ(phase.size(), first_minimum(phase) + 1 + config.patience) << "member " << member;
    }
    // The last member's best row is the stored ensemble: earlier members stay at their own best.
    if (member + 1 == static_cast<int>(config.members)) {
      EXPECT_EQ(record.stored_epoch, static_cast<long>((first - active.begin()) + first_minimum(phase)));
    }
  }
}

TEST(EarlyStopping, TooFewPatternsIsAnInputError) {
  PreparedData tiny = data();
  tiny.train_inputs = Matrix(1, 10);
  tiny.train_targets = Matrix(1, 1);
  EXPECT_THROW(train_ensemble(early_stopping_config(), tiny, 1, linear_members(tiny)), InputError);
}

}  // namespace
}  // namespace nclab
