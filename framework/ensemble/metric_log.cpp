#include "framework/ensemble/metric_log.hpp"

#include <algorithm>
#include <limits>

namespace nclab {

MetricLog::MetricLog(std::size_t members, bool classification, bool early_stopping)
    : members_(members), classification_(classification), early_stopping_(early_stopping) {}

void MetricLog::append(std::vector<double>& column_values, const std::vector<double>& values,
                       std::size_t members_in_use) const {
  for (std::size_t i = 0; i < members_; ++i) {
    column_values.push_back(i < members_in_use ? values[i] : std::numeric_limits<double>::quiet_NaN());
  }
  column_values.push_back(values[members_in_use]);
}

void MetricLog::add_row(const PartMetrics& train, const PartMetrics& test, std::size_t members_in_use,
                        double coefficient, int active_member, double validation_loss) {
  append(train_loss_, train.loss, members_in_use);
  append(test_loss_, test.loss, members_in_use);
  append(train_mse_, train.mse, members_in_use);
  append(test_mse_, test.mse, members_in_use);
  if (classification_) {
    append(train_error_rate_, train.error_rate, members_in_use);
    append(test_error_rate_, test.error_rate, members_in_use);
  } else {
    append(train_nrmse_, train.nrmse, members_in_use);
    append(test_nrmse_, test.nrmse, members_in_use);
  }
  train_ambiguity_.push_back(train.ambiguity);
  test_ambiguity_.push_back(test.ambiguity);
  coefficient_.push_back(coefficient);
  active_member_.push_back(active_member);
  if (early_stopping_) validation_loss_.push_back(validation_loss);
}

Matrix MetricLog::to_matrix(const std::vector<double>& values) const {
  if (values.empty()) return {};
  Matrix matrix(values.size() / (members_ + 1), members_ + 1);
  std::copy(values.begin(), values.end(), matrix.data());
  return matrix;
}

EpochMetrics MetricLog::build() const {
  EpochMetrics metrics;
  metrics.train_loss = to_matrix(train_loss_);
  metrics.test_loss = to_matrix(test_loss_);
  metrics.train_error_rate = to_matrix(train_error_rate_);
  metrics.test_error_rate = to_matrix(test_error_rate_);
  metrics.train_mse = to_matrix(train_mse_);
  metrics.test_mse = to_matrix(test_mse_);
  metrics.train_nrmse = to_matrix(train_nrmse_);
  metrics.test_nrmse = to_matrix(test_nrmse_);
  metrics.train_ambiguity = train_ambiguity_;
  metrics.test_ambiguity = test_ambiguity_;
  metrics.coefficient = coefficient_;
  metrics.active_member = active_member_;
  metrics.validation_loss = validation_loss_;
  return metrics;
}

}  // namespace nclab
