#include "framework/math/squared_error.hpp"

#include <gtest/gtest.h>

namespace nclab {
namespace {

// Two patterns, two outputs: L = (1/2) * 1/2 * ((1 - 0)^2 + (2 - 4)^2 + (0 - 0)^2 + (-1 - 2)^2) = 3.5.
TEST(SquaredError, HandComputedBatch) {
  Matrix y(2, 2), t(2, 2);
  y(0, 0) = 1.0;
  y(0, 1) = 2.0;
  y(1, 0) = 0.0;
  y(1, 1) = -1.0;
  t(0, 0) = 0.0;
  t(0, 1) = 4.0;
  t(1, 0) = 0.0;
  t(1, 1) = 2.0;
  EXPECT_DOUBLE_EQ(squared_error(y, t), 3.5);

  Matrix g(2, 2);
  squared_error_gradient(y, t, g);
  EXPECT_DOUBLE_EQ(g(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(g(0, 1), -1.0);
  EXPECT_DOUBLE_EQ(g(1, 0), 0.0);
  EXPECT_DOUBLE_EQ(g(1, 1), -1.5);
}

TEST(SquaredError, EmptyBatchIsZero) {
  Matrix y(0, 3), t(0, 3), g(0, 3);
  EXPECT_EQ(squared_error(y, t), 0.0);
  squared_error_gradient(y, t, g);
}

TEST(SquaredError, RejectsShapeMismatch) {
  Matrix y(2, 3), t(3, 2), g(2, 3);
  EXPECT_THROW(squared_error(y, t), std::invalid_argument);
  EXPECT_THROW(squared_error_gradient(y, t, g), std::invalid_argument);
}

TEST(SquaredError, GradientMatchesCentralDifference) {
  Matrix y(3, 2), t(3, 2);
  const double values[] = {0.3, -0.2, 1.5, 0.0, -0.7, 2.2};
  const double targets[] = {0.0, 1.0, 1.0, -1.0, 0.5, 2.0};
  for (std::size_t i = 0; i < 6; ++i) {
    y.storage()[i] = values[i];
    t.storage()[i] = targets[i];
  }
  Matrix g(3, 2);
  squared_error_gradient(y, t, g);
  for (std::size_t i = 0; i < 6; ++i) {
    const double h = 1e-6;
    Matrix plus = y, minus = y;
    plus.storage()[i] += h;
    minus.storage()[i] -= h;
    EXPECT_NEAR(g.storage()[i], (squared_error(plus, t) - squared_error(minus, t)) / (2 * h), 1e-9) << "i = " << i;
  }
}

}  // namespace
}  // namespace nclab
