#pragma once
// Squared error on a batch of N patterns: L = (1/N) sum_n 1/2 sum_k (y_nk - t_nk)^2.

#include "framework/core/matrix.hpp"

namespace nclab {

// Returns L for outputs Y and targets T, both N x K. Returns 0 for an empty batch.
double squared_error(ConstMatrixView outputs, ConstMatrixView targets);

// Writes dL/dY = (Y - T) / N into `gradient` (N x K).
void squared_error_gradient(ConstMatrixView outputs, ConstMatrixView targets, MatrixView gradient);

}  // namespace nclab
