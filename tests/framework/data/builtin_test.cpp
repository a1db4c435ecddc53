#include "framework/data/builtin.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

#include "framework/data/generators.hpp"
#include "framework/data/loader.hpp"
#include "tests/framework/data/data_test_support.hpp"

namespace nclab {
namespace {

using testing::expect_input_error;

double standard_deviation(const std::vector<double>& values) {
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double sum = 0.0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return std::sqrt(sum / static_cast<double>(values.size()));
}

TEST(MackeyGlass, ShapeAndPredefinedSplit) {
  const Dataset data = load_dataset("builtin:mackey-glass");
  EXPECT_EQ(data.source, "builtin:mackey-glass");
  EXPECT_EQ(data.task, Task::regression);
  ASSERT_EQ(data.size(), 1000u);
  ASSERT_EQ(data.inputs.cols(), 4u);
  ASSERT_EQ(data.targets.cols(), 1u);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"x(t-18)", "x(t-12)", "x(t-6)", "x(t)"}));
  EXPECT_EQ(data.target_names, (std::vector<std::string>{"x(t+6)"}));

  ASSERT_TRUE(data.predefined_split.has_value());
  const Split& split = *data.predefined_split;
  ASSERT_EQ(split.train.size(), 500u);
  ASSERT_EQ(split.test.size(), 500u);
  EXPECT_EQ(split.train.front(), 0u);   // t = 118
  EXPECT_EQ(split.train.back(), 499u);  // t = 617
  EXPECT_EQ(split.test.front(), 500u);  // t = 618
  EXPECT_EQ(split.test.back(), 999u);   // t = 1117
}

TEST(MackeyGlass, ValuesStayInKnownRange) {
  const std::vector<double> series = mackey_glass_series(mackey_glass_last_t + 6);
  for (std::size_t t = 0; t < series.size(); ++t) {
    ASSERT_GT(series[t], 0.2) << "t = " << t;
    ASSERT_LT(series[t], 1.4) << "t = " << t;
  }
  // The chaotic regime keeps moving: the series varies well beyond integration noise.
  EXPECT_GT(standard_deviation(std::vector<double>(series.begin() + 118, series.end())), 0.1);
}

TEST(MackeyGlass, MatchesExactSolutionBeforeTau) {
  // For 0 <= t <= tau the delayed value is the constant history 1.2, so the equation is linear:
  // dx/dt = c - 0.1 x with c = 0.2 * 1.2 / (1 + 1.2^10), solved by x(t) = 10c + (1.2 - 10c) e^(-0.1 t).
  const std::vector<double> series = mackey_glass_series(17);
  const double c = 0.2 * 1.2 / (1.0 + std::pow(1.2, 10.0));
  for (std::size_t t = 0; t <= 17; ++t) {
    const double exact = 10.0 * c + (1.2 - 10.0 * c) * std::exp(-0.1 * static_cast<double>(t));
    EXPECT_NEAR(series[t], exact, 1e-10) << "t = " << t;
  }
}

TEST(MackeyGlass, Deterministic) {
  LoadOptions options;
  options.generator.seed = 1;
  const Dataset first = load_dataset("builtin:mackey-glass", options);
  options.generator.seed = 99;  // the series has no noise, so the seed does not matter
  const Dataset second = load_dataset("builtin:mackey-glass", options);
  EXPECT_EQ(first.inputs.storage(), second.inputs.storage());
  EXPECT_EQ(first.targets.storage(), second.targets.storage());
}

TEST(MackeyGlass, InputsAndTargetAlignedWithSeries) {
  LoadOptions options;
  options.generator.horizon = 85;
  const Dataset data = load_dataset("builtin:mackey-glass", options);
  const std::vector<double> series = mackey_glass_series(mackey_glass_last_t + 85);
  EXPECT_EQ(data.target_names, (std::vector<std::string>{"x(t+85)"}));

  for (std::size_t t : {118u, 300u, 617u, 618u, 1117u}) {
    const std::size_t row = t - 118;
    EXPECT_EQ(data.inputs(row, 0), series[t - 18]) << "t = " << t;
    EXPECT_EQ(data.inputs(row, 1), series[t - 12]) << "t = " << t;
    EXPECT_EQ(data.inputs(row, 2), series[t - 6]) << "t = " << t;
    EXPECT_EQ(data.inputs(row, 3), series[t]) << "t = " << t;
    EXPECT_EQ(data.targets(row, 0), series[t + 85]) << "t = " << t;
  }
}

TEST(MackeyGlass, DefaultHorizonIsSix) {
  const Dataset data = load_dataset("builtin:mackey-glass");
  // Row 0 is t = 118, so its target x(124) is the x(t) input of row 6 (t = 124).
  EXPECT_EQ(data.targets(0, 0), data.inputs(6, 3));
}

TEST(MackeyGlass, InvalidHorizon) {
  LoadOptions options;
  options.generator.horizon = 0;
  expect_input_error([&] { load_dataset("builtin:mackey-glass", options); }, {"horizon 0", "from 1"});
}

TEST(Friedman1, NoiselessTargetsFollowFormula) {
  LoadOptions options;
  options.generator.noise = 0.0;
  options.generator.samples = 50;
  const Dataset data = load_dataset("builtin:friedman1", options);
  ASSERT_EQ(data.size(), 50u);
  ASSERT_EQ(data.inputs.cols(), 10u);
  for (std::size_t row = 0; row < data.size(); ++row) {
    const auto x = data.inputs.row(row);
    for (double value : x) {
      ASSERT_GE(value, 0.0);
      ASSERT_LT(value, 1.0);
    }
    const double y = 10.0 * std::sin(std::numbers::pi * x[0] * x[1]) + 20.0 * std::pow(x[2] - 0.5, 2) +
                     10.0 * x[3] + 5.0 * x[4];
    EXPECT_NEAR(data.targets(row, 0), y, 1e-12) << "row " << row;
  }
}

TEST(Friedman1, DefaultNoiseHasUnitDeviation) {
  const Dataset noisy = load_dataset("builtin:friedman1");
  ASSERT_EQ(noisy.size(), 1000u);
  LoadOptions options;
  options.generator.noise = 0.0;
  const Dataset clean = load_dataset("builtin:friedman1", options);
  // The inputs do not depend on the noise level, so the difference is the noise itself.
  EXPECT_EQ(noisy.inputs.storage(), clean.inputs.storage());
  std::vector<double> noise;
  for (std::size_t row = 0; row < noisy.size(); ++row)
    noise.push_back(noisy.targets(row, 0) - clean.targets(row, 0));
  EXPECT_NEAR(standard_deviation(noise), 1.0, 0.1);
}

TEST(Friedman1, SeedDecidesData) {
  LoadOptions options;
  options.generator.seed = 5;
  const Dataset first = load_dataset("builtin:friedman1", options);
  const Dataset again = load_dataset("builtin:friedman1", options);
  options.generator.seed = 6;
  const Dataset other = load_dataset("builtin:friedman1", options);
  EXPECT_EQ(first.inputs.storage(), again.inputs.storage());
  EXPECT_EQ(first.targets.storage(), again.targets.storage());
  EXPECT_NE(first.inputs.storage(), other.inputs.storage());
}

TEST(Sine, RangeNoiseAndCount) {
  const Dataset noisy = load_dataset("builtin:sine");
  ASSERT_EQ(noisy.size(), 200u);
  ASSERT_EQ(noisy.inputs.cols(), 1u);
  std::vector<double> noise;
  for (std::size_t row = 0; row < noisy.size(); ++row) {
    const double x = noisy.inputs(row, 0);
    ASSERT_GE(x, -std::numbers::pi);
    ASSERT_LT(x, std::numbers::pi);
    noise.push_back(noisy.targets(row, 0) - std::sin(x));
  }
  EXPECT_NEAR(standard_deviation(noise), 0.1, 0.02);

  LoadOptions options;
  options.generator.noise = 0.0;
  options.generator.samples = 30;
  const Dataset clean = load_dataset("builtin:sine", options);
  ASSERT_EQ(clean.size(), 30u);
  for (std::size_t row = 0; row < clean.size(); ++row) {
    EXPECT_DOUBLE_EQ(clean.targets(row, 0), std::sin(clean.inputs(row, 0)));
  }
}

TEST(Parity, ThreeBitsByDefault) {
  const Dataset data = load_dataset("builtin:parity");
  EXPECT_EQ(data.task, Task::classification);
  ASSERT_EQ(data.size(), 8u);
  ASSERT_EQ(data.inputs.cols(), 3u);
  EXPECT_EQ(data.label_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(data.labels, (std::vector<int>{0, 1, 1, 0, 1, 0, 0, 1}));
  // Pattern 6 is 110.
  EXPECT_EQ(data.inputs(6, 0), 1.0);
  EXPECT_EQ(data.inputs(6, 1), 1.0);
  EXPECT_EQ(data.inputs(6, 2), 0.0);
}

TEST(Parity, EveryPatternOnce) {
  LoadOptions options;
  options.generator.bits = 5;
  const Dataset data = load_dataset("builtin:parity", options);
  ASSERT_EQ(data.size(), 32u);
  std::set<std::vector<double>> patterns;
  for (std::size_t row = 0; row < data.size(); ++row) {
    const auto bits = data.inputs.row(row);
    patterns.emplace(bits.begin(), bits.end());
    int ones = 0;
    for (double bit : bits) ones += bit == 1.0 ? 1 : 0;
    EXPECT_EQ(data.labels[row], ones % 2) << "row " << row;
  }
  EXPECT_EQ(patterns.size(), 32u);
}

TEST(Parity, RegressionTargetsAreZeroOne) {
  LoadOptions options;
  options.task = Task::regression;
  const Dataset data = load_dataset("builtin:parity", options);
  EXPECT_EQ(data.task, Task::regression);
  EXPECT_TRUE(data.labels.empty());
  ASSERT_EQ(data.targets.rows(), 8u);
  EXPECT_EQ(data.targets(7, 0), 1.0);
  EXPECT_EQ(data.targets(3, 0), 0.0);
}

TEST(Builtin, UnknownNameListsKnownOnes) {
  expect_input_error([] { load_dataset("builtin:mackey"); },
                     {"'mackey'", "friedman1", "mackey-glass", "parity", "sine"});
}

TEST(Builtin, ListSortedWithDescriptions) {
  const auto& datasets = builtin_datasets();
  ASSERT_EQ(datasets.size(), 4u);
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    EXPECT_FALSE(datasets[i].description.empty()) << datasets[i].name;
    if (i > 0) {
      EXPECT_LT(datasets[i - 1].name, datasets[i].name);
    }
  }
}

TEST(Builtin, UnusedParameterRejected) {
  LoadOptions options;
  options.generator.bits = 4;
  expect_input_error([&] { load_dataset("builtin:friedman1", options); },
                     {"builtin:friedman1 does not use --bits", "--samples, --noise"});
}

TEST(Builtin, TargetOptionRejected) {
  LoadOptions options;
  options.target = "0";
  expect_input_error([&] { load_dataset("builtin:sine", options); }, {"fixed target", "--target"});
}

TEST(Builtin, ClassificationOfRegressionSetRejected) {
  LoadOptions options;
  options.task = Task::classification;
  expect_input_error([&] { load_dataset("builtin:friedman1", options); },
                     {"builtin:friedman1", "regression dataset", "--task classification"});
}

TEST(Builtin, InvalidParameterValues) {
  LoadOptions options;
  options.generator.samples = 0;
  expect_input_error([&] { load_dataset("builtin:sine", options); }, {"--samples 0"});

  options = {};
  options.generator.noise = -1.0;
  expect_input_error([&] { load_dataset("builtin:sine", options); }, {"--noise", "0 or more"});

  options = {};
  options.generator.bits = 21;
  expect_input_error([&] { load_dataset("builtin:parity", options); }, {"--bits 21", "1 to 20"});
}

}  // namespace
}  // namespace nclab
