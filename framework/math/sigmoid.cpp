#include "framework/math/sigmoid.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "framework/math/simd_clones.hpp"

namespace nclab {

namespace {

// All ones when x >= 0, else all zeros.
inline std::uint64_t non_negative_mask(double x) { return std::uint64_t{0} - static_cast<std::uint64_t>(x >= 0.0); }

}  // namespace

// Computes sigmoid(x) for every element bit for bit as the template does, without branching on the
// sign: a branch per element mispredicts about half the time on a layer's mixed-sign inputs, and GCC
// turns a plain ?: between the two quotients back into a branch. Each chunk of a row takes two
// passes: the exponentials e = e^-x (x >= 0) or e^x (otherwise, NaN included), then both quotients
// 1 / (1 + e) and e / (1 + e), of which a bit mask keeps the one the template returns.
// The AVX2 clone vectorises the element-wise loops wider and gives the same bits.
NCLAB_AVX2_CLONES
void sigmoid_inplace(MatrixView values) {
  constexpr std::size_t chunk = 64;
  constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;
  double exponentials[chunk];
  for (std::size_t r = 0; r < values.rows; ++r) {
    double* row = values.data + r * values.stride;
    for (std::size_t first = 0; first < values.cols; first += chunk) {
      const std::size_t count = std::min(chunk, values.cols - first);
      double* __restrict x = row + first;
      for (std::size_t c = 0; c < count; ++c) {
        // -x for x >= 0 flips the sign bit, as negation does.
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(x[c]) ^ (non_negative_mask(x[c]) & sign_bit);
        exponentials[c] = std::exp(std::bit_cast<double>(bits));
      }
      for (std::size_t c = 0; c < count; ++c) {
        const double e = exponentials[c];
        const std::uint64_t positive = std::bit_cast<std::uint64_t>(1.0 / (1.0 + e));
        const std::uint64_t negative = std::bit_cast<std::uint64_t>(e / (1.0 + e));
        const std::uint64_t mask = non_negative_mask(x[c]);
        x[c] = std::bit_cast<double>((positive & mask) | (negative & ~mask));
      }
    }
  }
}

NCLAB_AVX2_CLONES
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
