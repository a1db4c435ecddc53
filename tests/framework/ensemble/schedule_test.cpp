#include "framework/ensemble/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nclab {
namespace {

TEST(Schedule, ConstantKeepsCoefficient) {
  ScheduleConfig schedule;
  for (std::size_t epoch : {0u, 5u, 99u}) EXPECT_EQ(scheduled_coefficient(schedule, 0.4, epoch, 100), 0.4);
}

TEST(Schedule, LinearRunsFromStartToCoefficient) {
  ScheduleConfig schedule;
  schedule.kind = ScheduleKind::linear;
  schedule.from = 0.0;
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 0, 5), 0.0);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 1, 5), 0.2);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 2, 5), 0.4);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 4, 5), 0.8);
  schedule.from = 1.0;
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.5, 2, 3), 0.5);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.5, 1, 3), 0.75);
}

TEST(Schedule, LinearWithOneEpochUsesCoefficient) {
  ScheduleConfig schedule;
  schedule.kind = ScheduleKind::linear;
  schedule.from = 0.1;
  EXPECT_EQ(scheduled_coefficient(schedule, 0.6, 0, 1), 0.6);
}

TEST(Schedule, ExponentialDecays) {
  ScheduleConfig schedule;
  schedule.kind = ScheduleKind::exponential;
  schedule.decay = 0.1;
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 2.0, 0, 50), 2.0);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 2.0, 10, 50), 2.0 * std::exp(-1.0));
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 2.0, 30, 50), 2.0 * std::exp(-3.0));
}

TEST(Schedule, StepMultipliesEveryPeriod) {
  ScheduleConfig schedule;
  schedule.kind = ScheduleKind::step;
  schedule.every = 3;
  schedule.factor = 0.5;
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 0, 20), 0.8);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 2, 20), 0.8);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 3, 20), 0.4);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 6, 20), 0.2);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 8, 20), 0.2);
  EXPECT_DOUBLE_EQ(scheduled_coefficient(schedule, 0.8, 9, 20), 0.1);
}

}  // namespace
}  // namespace nclab
