#include "framework/math/sigmoid.hpp"

#include <cstring>
#include <stdexcept>

#include "framework/math/exp.hpp"
#include "framework/math/simd_clones.hpp"

namespace nclab {

// y = 1 / (1 + e^-x) with exp_kernel, the exponential of the member lanes, so that the sigmoid gives
// the same bits here as in framework/ensemble/member_lanes.cpp. The formula needs no branch on the sign:
// for x < -709.78 e^-x is +inf and y is +0, where the exact value is below 2^-1022 anyway. A NaN stays
// NaN. Four values at a time go through one Double4 pass (one AVX2 instruction per step in the
// x86-64-v3 clone). The rest of a row goes through the scalar kernel, which gives the same bits.
NCLAB_SIMD_CLONES
void sigmoid_inplace(MatrixView values) {
  for (std::size_t r = 0; r < values.rows; ++r) {
    double* row = values.data + r * values.stride;
    std::size_t c = 0;
    for (; c + 4 <= values.cols; c += 4) {
      Double4 e;
      std::memcpy(&e, row + c, sizeof e);
      e = -e;
      detail::exp_of(e);
      e = 1.0 / (1.0 + e);
      std::memcpy(row + c, &e, sizeof e);
    }
    for (; c < values.cols; ++c) row[c] = 1.0 / (1.0 + exp_kernel(-row[c]));
  }
}

NCLAB_SIMD_CLONES
void sigmoid_backward_inplace(ConstMatrixView outputs, MatrixView gradient) {
  if (outputs.rows != gradient.rows || outputs.cols != gradient.cols) {
    throw std::invalid_argument("sigmoid_backward_inplace: outputs are " + shape_string(outputs.rows, outputs.cols) +
                                " but the gradient is " + shape_string(gradient.rows, gradient.cols));
  }
  for (std::size_t r = 0; r < outputs.rows; ++r) {
    const double* y = outputs.data + r * outputs.stride;
    double* g = gradient.data + r * gradient.stride;
    for (std::size_t c = 0; c < outputs.cols; ++c) g[c] *= y[c] * (1.0 - y[c]);
  }
}

}  // namespace nclab
