#pragma once
// Logistic sigmoid f(x) = 1 / (1 + e^-x), with f'(x) = f(x) (1 - f(x)).

#include <cmath>
#include <concepts>

#include "framework/core/matrix.hpp"

namespace nclab {

// Evaluates the sigmoid without overflow: e^-|x| never exceeds 1, so the result is finite and in [0, 1]
// for every finite x, in float and in double. A NaN input returns NaN.
template <std::floating_point T>
T sigmoid(T x) {
  if (x >= T(0)) {
    return T(1) / (T(1) + std::exp(-x));
  }
  const T e = std::exp(x);
  return e / (T(1) + e);
}

// Replaces every element x of `values` with 1 / (1 + exp_kernel(-x)) (framework/math/exp.hpp), the
// member lanes' formula. It agrees with sigmoid() above to 2 units in the last place for x >= -708,
// and gives +0 below -709.78, where the exact value is subnormal.
void sigmoid_inplace(MatrixView values);

// Multiplies `gradient` element-wise by f' = y (1 - y), where `outputs` contains y = f(x), which turns
// dL/dy into dL/dx. Both are N x units.
void sigmoid_backward_inplace(ConstMatrixView outputs, MatrixView gradient);

}  // namespace nclab
