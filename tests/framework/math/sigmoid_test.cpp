#include "framework/math/sigmoid.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "framework/math/exp.hpp"

namespace nclab {
namespace {

template <typename T>
class SigmoidTest : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SigmoidTest, FloatTypes);

TYPED_TEST(SigmoidTest, ExtremeInputsSaturateWithoutOverflow) {
  volatile TypeParam large = TypeParam(1000);  // volatile keeps the compiler from folding the calls
  std::feclearexcept(FE_ALL_EXCEPT);
  const TypeParam high = sigmoid<TypeParam>(large);
  const TypeParam low = sigmoid<TypeParam>(-large);
  EXPECT_FALSE(std::fetestexcept(FE_OVERFLOW | FE_INVALID | FE_DIVBYZERO));
  EXPECT_EQ(high, TypeParam(1));
  EXPECT_EQ(low, TypeParam(0));
  EXPECT_FALSE(std::isnan(high));
  EXPECT_FALSE(std::isnan(low));
}

TYPED_TEST(SigmoidTest, MatchesDefinitionAndSymmetry) {
  for (const double x : {-30.0, -5.0, -0.5, 0.0, 0.25, 3.0, 30.0}) {
    const TypeParam value = sigmoid<TypeParam>(static_cast<TypeParam>(x));
    const double expected = 1.0 / (1.0 + std::exp(-x));
    // A few units in the last place of 1 for the type.
    const double tolerance = 4.0 * std::numeric_limits<TypeParam>::epsilon();
    EXPECT_NEAR(value, expected, tolerance) << "x = " << x;
    EXPECT_NEAR(value + sigmoid<TypeParam>(static_cast<TypeParam>(-x)), TypeParam(1), tolerance) << "x = " << x;
  }
}

TEST(Sigmoid, ZeroGivesHalf) { EXPECT_EQ(sigmoid(0.0), 0.5); }

TEST(Sigmoid, InplaceOverRowsWithStride) {
  // A 2 x 2 view into a 2 x 3 block: the third column must stay untouched.
  double data[6] = {0.0, 1000.0, 7.0, -1000.0, 2.0, 7.0};
  sigmoid_inplace(MatrixView{data, 2, 2, 3});
  EXPECT_EQ(data[0], 0.5);
  EXPECT_EQ(data[1], 1.0);
  EXPECT_EQ(data[2], 7.0);
  EXPECT_EQ(data[3], 0.0);
  EXPECT_DOUBLE_EQ(data[4], 1.0 / (1.0 + std::exp(-2.0)));
  EXPECT_EQ(data[5], 7.0);
}

TEST(Sigmoid, InplaceMatchesLaneFormulaBitForBit) {
  // sigmoid_inplace runs four values per vector pass and the rest of a row one by one. Both must give
  // the bits of 1 / (1 + exp_kernel(-x)), the member lanes' formula. The inputs cover both signs, the
  // signed zeros, infinities, NaN and a row length that is not a multiple of four.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> inputs = {0.0, -0.0, 1e-300, -1e-300, 0.3, -0.3, 36.7, -36.7, 745.2, -745.2, 1e308, -1e308,
                                inf, -inf, nan, -nan};
  for (int i = 0; i < 151; ++i) inputs.push_back(0.173 * (i - 75));
  std::vector<double> values = inputs;
  sigmoid_inplace(MatrixView{values.data(), 1, values.size(), values.size()});
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double expected = 1.0 / (1.0 + exp_kernel(-inputs[i]));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(values[i]), std::bit_cast<std::uint64_t>(expected))
        << "x = " << inputs[i] << ": got " << values[i] << ", expected " << expected;
  }
}

TEST(Sigmoid, InplaceAgreesWithLibmSigmoid) {
  // Within 2 units in the last place of the std::exp template from -708 to 40, and +0 or 1 beyond.
  std::vector<double> inputs;
  for (int i = 0; i <= 7480; ++i) inputs.push_back(-708.0 + 0.1 * i);
  std::vector<double> values = inputs;
  sigmoid_inplace(MatrixView{values.data(), 1, values.size(), values.size()});
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double expected = sigmoid(inputs[i]);
    EXPECT_LE(std::fabs(values[i] - expected), 2.0 * std::numeric_limits<double>::epsilon() * expected)
        << "x = " << inputs[i] << ": got " << values[i] << ", expected " << expected;
  }
  Matrix far(1, 2);
  far(0, 0) = -720.0;
  far(0, 1) = 720.0;
  sigmoid_inplace(far.view());
  EXPECT_EQ(far(0, 0), 0.0);
  EXPECT_EQ(far(0, 1), 1.0);
}

TEST(Sigmoid, BackwardMultipliesByDerivative) {
  // f'(x) = f(x) (1 - f(x)).
  Matrix outputs(1, 3);
  outputs(0, 0) = 0.5;
  outputs(0, 1) = 0.9;
  outputs(0, 2) = 0.0;
  Matrix gradient(1, 3, 2.0);
  sigmoid_backward_inplace(outputs, gradient);
  EXPECT_DOUBLE_EQ(gradient(0, 0), 2.0 * 0.25);
  EXPECT_DOUBLE_EQ(gradient(0, 1), 2.0 * 0.9 * (1.0 - 0.9));
  EXPECT_EQ(gradient(0, 2), 0.0);
}

TEST(Sigmoid, DerivativeMatchesCentralDifference) {
  for (const double x : {-4.0, -0.7, 0.0, 1.3, 6.0}) {
    const double h = 1e-5;
    const double numeric = (sigmoid(x + h) - sigmoid(x - h)) / (2 * h);
    Matrix y(1, 1, sigmoid(x));
    Matrix g(1, 1, 1.0);
    sigmoid_backward_inplace(y, g);
    EXPECT_NEAR(g(0, 0), numeric, 1e-9) << "x = " << x;
  }
}

TEST(Sigmoid, BackwardRejectsShapeMismatch) {
  Matrix outputs(2, 3);
  Matrix gradient(3, 2);
  EXPECT_THROW(sigmoid_backward_inplace(outputs, gradient), std::invalid_argument);
}

}  // namespace
}  // namespace nclab
