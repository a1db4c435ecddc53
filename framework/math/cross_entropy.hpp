#pragma once
// Cross-entropy on a batch of N patterns: L = -(1/N) sum_n sum_k t_nk log y_nk, with y = softmax(u).
//
// Targets are one-hot rows or probability rows. Terms with t_nk = 0 contribute 0, even where y_nk = 0.

#include "framework/core/matrix.hpp"

namespace nclab {

// Returns L from probabilities Y (N x K). A probability below the smallest normal double (about
// 2.2e-308) is raised to it, so one pattern contributes at most about 708 per unit of target mass,
// never infinity. Prefer cross_entropy_from_logits where logits exist.
double cross_entropy(ConstMatrixView probabilities, ConstMatrixView targets);

// Returns L from logits U (N x K) through log y_nk = u_nk - log_sum_exp(u_n). Stays exact where the
// probabilities would round: logits [1e8, 1e8] with target class 1 give ln 2.
double cross_entropy_from_logits(ConstMatrixView logits, ConstMatrixView targets);

// Writes dL/dY = -T / (N Y) (N x K), with the same clamping of Y as cross_entropy. Chained through a
// softmax this loses the gradient of any class whose probability underflowed to 0, so train with
// softmax_cross_entropy_gradient and GradientAt::logits.
void cross_entropy_gradient(ConstMatrixView probabilities, ConstMatrixView targets, MatrixView gradient);

// Writes the fused softmax + cross-entropy gradient with respect to the logits,
// dL/du_nk = (y_nk sum_i t_ni - t_nk) / N, which is (Y - T) / N when each target row sums to 1.
void softmax_cross_entropy_gradient(ConstMatrixView probabilities, ConstMatrixView targets, MatrixView gradient);

}  // namespace nclab
