#pragma once
// Softmax over one row of logits u: y_k = e^{u_k} / sum_t e^{u_t}.
//
// Jacobian: dy_k/du_i = y_k (delta_ik - y_i). It is symmetric (y_k delta_ik - y_k y_i), so the same
// product serves forward (J v) and backward (v^T J) use.

#include <span>

#include "framework/core/matrix.hpp"

namespace nclab {

// Returns log sum_k e^{u_k}, computed as max + log sum_k e^{u_k - max} so that no exponential
// overflows. Returns -infinity for an empty row.
double log_sum_exp(std::span<const double> logits);

// Writes softmax(logits) into `probabilities`, which has the same size and may be the same span. The
// maximum is subtracted first, so [1000, 0, -1000] gives [1, 0, 0] and [1e8, 1e8] gives [0.5, 0.5].
// A logit of -infinity gets probability 0 unless all are -infinity. A NaN or +infinity logit, or a row
// of only -infinity, gives NaN.
void softmax(std::span<const double> logits, std::span<double> probabilities);

// Applies softmax to every row of `values` in place.
void softmax_rows_inplace(MatrixView values);

// Writes result_k = sum_i (dy_k/du_i) v_i = y_k (v_k - sum_i v_i y_i): the full softmax Jacobian times
// v, off-diagonal terms included. `result` may be the same span as `vector`.
void softmax_jacobian_product(std::span<const double> probabilities, std::span<const double> vector,
                              std::span<double> result);

// Turns dL/dy into dL/du row by row with softmax_jacobian_product. Both are N x classes.
void softmax_backward_inplace(ConstMatrixView probabilities, MatrixView gradient);

}  // namespace nclab
