#include "framework/ensemble/optimizer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace nclab {
namespace {

TEST(MomentumSgd, PlainStepFollowsScaledGradient) {
  MomentumSgd sgd(2, 0.5, 0.0);
  std::vector<double> w{1.0, -2.0};
  const std::vector<double> g{4.0, -8.0};
  sgd.step(w, g, 0.25);  // mean gradient (1, -2), step -0.5 (1, -2)
  EXPECT_DOUBLE_EQ(w[0], 0.5);
  EXPECT_DOUBLE_EQ(w[1], -1.0);
  EXPECT_EQ(sgd.velocity()[0], 0.0);
}

TEST(MomentumSgd, MomentumAccumulatesVelocity) {
  MomentumSgd sgd(1, 0.1, 0.9);
  std::vector<double> w{0.0};
  const std::vector<double> g{1.0};
  sgd.step(w, g, 1.0);  // v = -0.1
  EXPECT_DOUBLE_EQ(sgd.velocity()[0], -0.1);
  EXPECT_DOUBLE_EQ(w[0], -0.1);
  sgd.step(w, g, 1.0);  // v = 0.9 (-0.1) - 0.1 = -0.19
  EXPECT_DOUBLE_EQ(sgd.velocity()[0], -0.19);
  EXPECT_DOUBLE_EQ(w[0], -0.29);
  sgd.reset();
  EXPECT_EQ(sgd.velocity()[0], 0.0);
}

TEST(MomentumSgd, SizeMismatchIsRejected) {
  MomentumSgd sgd(3, 0.1, 0.0);
  std::vector<double> w(2);
  const std::vector<double> g(3);
  EXPECT_THROW(sgd.step(w, g, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace nclab
