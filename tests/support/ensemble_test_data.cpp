#include "tests/support/ensemble_test_data.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "framework/core/rng.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab::testing {
namespace {

void fill_regression(Matrix& inputs, Matrix& targets, const Matrix& directions, Rng& rng) {
  for (std::size_t n = 0; n < inputs.rows(); ++n) {
    for (std::size_t j = 0; j < inputs.cols(); ++j) inputs(n, j) = rng.normal();
    for (std::size_t k = 0; k < targets.cols(); ++k) {
      double projection = 0.0;
      for (std::size_t j = 0; j < inputs.cols(); ++j) projection += directions(k, j) * inputs(n, j);
      targets(n, k) = std::sin(projection) + 0.1 * rng.normal();
    }
  }
}

void fill_classification(Matrix& inputs, Matrix& targets, std::vector<int>& labels, const Matrix& centres,
                         Rng& rng) {
  labels.resize(inputs.rows());
  targets.fill(0.0);
  for (std::size_t n = 0; n < inputs.rows(); ++n) {
    const auto label = static_cast<std::size_t>(rng.below(centres.rows()));
    labels[n] = static_cast<int>(label);
    targets(n, label) = 1.0;
    for (std::size_t j = 0; j < inputs.cols(); ++j) inputs(n, j) = centres(label, j) + 1.2 * rng.normal();
  }
}

void expect_same_matrix(const Matrix& a, const Matrix& b, const std::string& name) {
  ASSERT_EQ(a.rows(), b.rows()) << name;
  ASSERT_EQ(a.cols(), b.cols()) << name;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(same_bits(a.data()[i], b.data()[i]))
        << name << " differs at flat index " << i << ": " << a.data()[i] << " vs " << b.data()[i];
  }
}

void expect_same_vector(const std::vector<double>& a, const std::vector<double>& b, const std::string& name) {
  ASSERT_EQ(a.size(), b.size()) << name;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(same_bits(a[i], b[i])) << name << " differs at index " << i << ": " << a[i] << " vs " << b[i];
  }
}

}  // namespace

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

PreparedData make_regression_data(std::size_t train_rows, std::size_t test_rows, std::size_t inputs,
                                  std::size_t outputs, std::uint64_t seed) {
  Rng rng(seed);
  Matrix directions(outputs, inputs);
  for (double& value : directions.storage()) value = rng.uniform(-1.0, 1.0);

  PreparedData data;
  data.task = Task::regression;
  data.train_inputs = Matrix(train_rows, inputs);
  data.train_targets = Matrix(train_rows, outputs);
  data.test_inputs = Matrix(test_rows, inputs);
  data.test_targets = Matrix(test_rows, outputs);
  fill_regression(data.train_inputs, data.train_targets, directions, rng);
  fill_regression(data.test_inputs, data.test_targets, directions, rng);
  return data;
}

PreparedData make_classification_data(std::size_t train_rows, std::size_t test_rows, std::size_t inputs,
                                      std::size_t classes, std::uint64_t seed) {
  Rng rng(seed);
  Matrix centres(classes, inputs);
  for (double& value : centres.storage()) value = rng.uniform(-1.5, 1.5);

  PreparedData data;
  data.task = Task::classification;
  data.train_inputs = Matrix(train_rows, inputs);
  data.train_targets = Matrix(train_rows, classes);
  data.test_inputs = Matrix(test_rows, inputs);
  data.test_targets = Matrix(test_rows, classes);
  fill_classification(data.train_inputs, data.train_targets, data.train_labels, centres, rng);
  fill_classification(data.test_inputs, data.test_targets, data.test_labels, centres, rng);
  for (std::size_t c = 0; c < classes; ++c) data.label_names.push_back("class" + std::to_string(c));
  return data;
}

MemberFactory linear_members(const PreparedData& data) {
  const std::size_t inputs = data.train_inputs.cols();
  const std::size_t outputs = data.train_targets.cols();
  const Activation activation = data.task == Task::classification ? Activation::softmax : Activation::identity;
  return [=] { return std::make_unique<LinearModel>(inputs, outputs, activation); };
}

void expect_identical_records(const RunRecord& a, const RunRecord& b, bool compare_coefficient) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.epochs_completed, b.epochs_completed);
  EXPECT_EQ(a.diverged_epoch, b.diverged_epoch);
  EXPECT_EQ(a.stored_epoch, b.stored_epoch);
  const EpochMetrics& x = a.metrics;
  const EpochMetrics& y = b.metrics;
  expect_same_matrix(x.train_loss, y.train_loss, "train_loss");
  expect_same_matrix(x.test_loss, y.test_loss, "test_loss");
  expect_same_matrix(x.train_error_rate, y.train_error_rate, "train_error_rate");
  expect_same_matrix(x.test_error_rate, y.test_error_rate, "test_error_rate");
  expect_same_matrix(x.train_mse, y.train_mse, "train_mse");
  expect_same_matrix(x.test_mse, y.test_mse, "test_mse");
  expect_same_matrix(x.train_nrmse, y.train_nrmse, "train_nrmse");
  expect_same_matrix(x.test_nrmse, y.test_nrmse, "test_nrmse");
  expect_same_vector(x.train_ambiguity, y.train_ambiguity, "train_ambiguity");
  expect_same_vector(x.test_ambiguity, y.test_ambiguity, "test_ambiguity");
  expect_same_vector(x.validation_loss, y.validation_loss, "validation_loss");
  if (compare_coefficient) expect_same_vector(x.coefficient, y.coefficient, "coefficient");
  EXPECT_EQ(x.active_member, y.active_member);
  expect_same_matrix(a.train_correlation, b.train_correlation, "train_correlation");
  expect_same_matrix(a.test_correlation, b.test_correlation, "test_correlation");

  ASSERT_EQ(a.final_parameters.size(), b.final_parameters.size());
  for (std::size_t i = 0; i < a.final_parameters.size(); ++i) {
    expect_same_vector(a.final_parameters[i].parameters, b.final_parameters[i].parameters,
                       "final parameters of member index " + std::to_string(i));
  }
  ASSERT_EQ(a.test_outputs.size(), b.test_outputs.size());
  for (std::size_t i = 0; i < a.test_outputs.size(); ++i) {
    expect_same_matrix(a.test_outputs[i], b.test_outputs[i], "test outputs of member index " + std::to_string(i));
  }
  ASSERT_EQ(a.snapshots.size(), b.snapshots.size());
  for (std::size_t s = 0; s < a.snapshots.size(); ++s) {
    EXPECT_EQ(a.snapshots[s].epoch, b.snapshots[s].epoch);
    ASSERT_EQ(a.snapshots[s].members.size(), b.snapshots[s].members.size());
    for (std::size_t i = 0; i < a.snapshots[s].members.size(); ++i) {
      expect_same_vector(a.snapshots[s].members[i], b.snapshots[s].members[i], "snapshot " + std::to_string(s));
    }
  }
}

}  // namespace nclab::testing
