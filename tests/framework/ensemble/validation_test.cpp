#include "framework/ensemble/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

// The message of the InputError that validate_training_config throws, or "" when it accepts.
std::string rejection(const TrainingConfig& config) {
  try {
    validate_training_config(config);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

void expect_mentions(const std::string& message, std::initializer_list<const char*> parts) {
  ASSERT_FALSE(message.empty()) << "the config was accepted";
  for (const char* part : parts) EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' in: " << message;
}

TrainingConfig config_for(Method method, std::size_t members) {
  TrainingConfig config;
  config.method = method;
  config.members = members;
  config.epochs = 10;
  return config;
}

TEST(Validation, DefaultsAreValid) { EXPECT_EQ(rejection(TrainingConfig{}), ""); }

TEST(Validation, NclLambdaAboveOneNamesBoundAndOverride) {
  TrainingConfig config = config_for(Method::ncl, 4);
  config.lambda = 1.5;
  expect_mentions(rejection(config), {"--lambda", "1.5", "1", "--allow-unstable"});
  config.allow_unstable = true;
  EXPECT_EQ(rejection(config), "");
  config.lambda = 1.0;
  config.allow_unstable = false;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, NclExactGammaBoundDependsOnMembers) {
  TrainingConfig config = config_for(Method::ncl_exact, 4);
  config.gamma = 4.0 / 6.0;
  EXPECT_EQ(rejection(config), "");
  config.gamma = 0.7;
  expect_mentions(rejection(config), {"--gamma", "0.7", "0.666667", "M = 4", "--allow-unstable"});
  config.allow_unstable = true;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, OneMemberAcceptsAnyGamma) {
  TrainingConfig config = config_for(Method::ncl_exact, 1);
  config.gamma = 50.0;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, DecorrelatedLambdaHasNoUpperBound) {
  TrainingConfig config = config_for(Method::decorrelated, 3);
  config.lambda = 25.0;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, NegativeCoefficientRejectedEvenWhenUnstableAllowed) {
  for (Method method : {Method::ncl, Method::ncl_exact, Method::decorrelated}) {
    TrainingConfig config = config_for(method, 3);
    config.lambda = -0.1;
    config.gamma = -0.1;
    config.allow_unstable = true;
    expect_mentions(rejection(config), {"-0.1", ">= 0"});
  }
}

TEST(Validation, NonFiniteCoefficientRejected) {
  TrainingConfig config = config_for(Method::decorrelated, 3);
  config.lambda = std::numeric_limits<double>::quiet_NaN();
  config.allow_unstable = true;
  expect_mentions(rejection(config), {"--lambda", "finite"});
}

TEST(Validation, IndependentIgnoresCoefficients) {
  TrainingConfig config = config_for(Method::independent, 3);
  config.lambda = 7.0;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, ScheduleThatLeavesBoundsNamesItsOption) {
  TrainingConfig config = config_for(Method::ncl, 3);
  config.lambda = 0.8;
  config.schedule.kind = ScheduleKind::step;
  config.schedule.every = 2;
  config.schedule.factor = 1.5;
  expect_mentions(rejection(config), {"--step-factor", "1.5", "epoch 2", "--allow-unstable"});

  config.schedule = {};
  config.schedule.kind = ScheduleKind::linear;
  config.schedule.from = 1.2;
  expect_mentions(rejection(config), {"--schedule-from", "1.2", "epoch 0"});
  config.schedule.from = -0.5;
  config.allow_unstable = true;
  expect_mentions(rejection(config), {"--schedule-from", ">= 0"});
}

TEST(Validation, ScheduleParametersChecked) {
  TrainingConfig config = config_for(Method::ncl, 3);
  config.lambda = 0.5;
  config.schedule.kind = ScheduleKind::exponential;
  config.schedule.decay = -0.1;
  expect_mentions(rejection(config), {"--decay", "-0.1"});
  config.schedule.kind = ScheduleKind::step;
  config.schedule.every = 0;
  expect_mentions(rejection(config), {"--step-every"});
  config.schedule.every = 3;
  config.schedule.factor = -1.0;
  expect_mentions(rejection(config), {"--step-factor", "-1"});
}

TEST(Validation, OptimizerAndSizeBounds) {
  struct Case {
    const char* option;
    void (*change)(TrainingConfig&);
  };
  const Case cases[] = {
      {"--members", [](TrainingConfig& c) { c.members = 0; }},
      {"--epochs", [](TrainingConfig& c) { c.epochs = 0; }},
      {"--batch", [](TrainingConfig& c) { c.batch = 0; }},
      {"--learning-rate", [](TrainingConfig& c) { c.learning_rate = 0.0; }},
      {"--learning-rate", [](TrainingConfig& c) { c.learning_rate = -0.1; }},
      {"--momentum", [](TrainingConfig& c) { c.momentum = 1.0; }},
      {"--momentum", [](TrainingConfig& c) { c.momentum = -0.2; }},
      {"--init-range", [](TrainingConfig& c) { c.init_range = 0.0; }},
      {"--validation-fraction", [](TrainingConfig& c) { c.validation_fraction = 1.0; }},
      {"--patience", [](TrainingConfig& c) {
         c.validation_fraction = 0.2;
         c.patience = 0;
       }},
  };
  for (const Case& test_case : cases) {
    TrainingConfig config;
    test_case.change(config);
    expect_mentions(rejection(config), {test_case.option});
  }
}

TEST(Validation, SequentialModeOnlyForDecorrelatedAndIndependent) {
  TrainingConfig config = config_for(Method::ncl, 3);
  config.lambda = 0.5;
  config.mode = TrainingMode::sequential;
  expect_mentions(rejection(config), {"--mode sequential", "ncl"});
  config.method = Method::decorrelated;
  EXPECT_EQ(rejection(config), "");
  config.method = Method::independent;
  EXPECT_EQ(rejection(config), "");
}

TEST(Validation, CoefficientUpperBounds) {
  EXPECT_DOUBLE_EQ(coefficient_upper_bound(Method::ncl, 5), 1.0);
  EXPECT_DOUBLE_EQ(coefficient_upper_bound(Method::ncl_exact, 5), 5.0 / 8.0);
  EXPECT_TRUE(std::isinf(coefficient_upper_bound(Method::decorrelated, 5)));
}

}  // namespace
}  // namespace nclab
