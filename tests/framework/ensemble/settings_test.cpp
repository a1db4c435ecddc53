#include "framework/ensemble/settings.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

TEST(Settings, NamesRoundTrip) {
  for (Method method : {Method::independent, Method::ncl, Method::ncl_exact, Method::decorrelated}) {
    EXPECT_EQ(parse_method(to_string(method)), method);
  }
  for (Indicator indicator : {Indicator::previous, Indicator::alternate, Indicator::all_previous, Indicator::none}) {
    EXPECT_EQ(parse_indicator(to_string(indicator)), indicator);
  }
  for (TrainingMode mode : {TrainingMode::concurrent, TrainingMode::sequential}) {
    EXPECT_EQ(parse_training_mode(to_string(mode)), mode);
  }
  for (LossKind loss : {LossKind::squared_error, LossKind::cross_entropy}) EXPECT_EQ(parse_loss(to_string(loss)), loss);
  for (ScheduleKind kind : {ScheduleKind::constant, ScheduleKind::linear, ScheduleKind::exponential, ScheduleKind::step}) {
    EXPECT_EQ(parse_schedule(to_string(kind)), kind);
  }
}

TEST(Settings, LossAcceptsShortSpellings) {
  EXPECT_EQ(parse_loss("se"), LossKind::squared_error);
  EXPECT_EQ(parse_loss("ce"), LossKind::cross_entropy);
}

TEST(Settings, SpellingsMatchTheCommandLine) {
  EXPECT_EQ(to_string(Method::ncl_exact), "ncl-exact");
  EXPECT_EQ(to_string(Indicator::all_previous), "all-previous");
  EXPECT_EQ(to_string(LossKind::cross_entropy), "cross_entropy");
}

TEST(Settings, UnknownNameListsValidValues) {
  try {
    parse_method("nlc");
    FAIL() << "parse_method accepted 'nlc'";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'nlc'"), std::string::npos) << message;
    for (const char* name : {"independent", "ncl", "ncl-exact", "decorrelated"}) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
  }
  EXPECT_THROW(parse_indicator("next"), InputError);
  EXPECT_THROW(parse_training_mode("parallel"), InputError);
  EXPECT_THROW(parse_loss("hinge"), InputError);
  EXPECT_THROW(parse_schedule("cosine"), InputError);
}

TEST(Settings, EquivalentLambdaOfGamma) {
  EXPECT_DOUBLE_EQ(equivalent_lambda(0.5, 3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(equivalent_lambda(max_stable_gamma(4), 4), 1.0);
  EXPECT_DOUBLE_EQ(equivalent_lambda(0.7, 1), 0.0);
}

TEST(Settings, MaxStableGamma) {
  EXPECT_DOUBLE_EQ(max_stable_gamma(2), 1.0);
  EXPECT_DOUBLE_EQ(max_stable_gamma(3), 0.75);
  EXPECT_DOUBLE_EQ(max_stable_gamma(4), 4.0 / 6.0);
  EXPECT_TRUE(std::isinf(max_stable_gamma(1)));
}

}  // namespace
}  // namespace nclab
