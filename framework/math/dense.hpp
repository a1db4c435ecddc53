#pragma once
// Dense (fully connected) layer kernels.
//
// Shapes, one pattern per row: X is N x in, W is out x in (row-major, as stored in a model's parameter
// buffer), b has out entries, Y and the output gradient G are N x out.
//   forward:  Y = X W^T + 1 b^T
//   backward: dW = G^T X (out x in), db = column sums of G (out), dX = G W (N x in)
//
// Every kernel has three implementations. A plain-loop reference, written index by index, is the
// arbiter in tests. A loop path is tuned for the tiny layers of the published networks, and an
// OpenBLAS path (cblas_dgemm) serves large shapes. The dispatching functions pick the path by the FLOP
// count 2 N out in of one product, compared with a threshold per kernel.
//
// The kernels allocate nothing and never keep a view past the call. Views may have a row stride larger
// than their column count. Outputs (Y, dW, db, dX) must not overlap any input.

#include <cstddef>
#include <span>

#include "framework/core/matrix.hpp"

namespace nclab {

enum class DensePath {
  automatic,  // loop below the kernel's FLOP threshold, BLAS at or above it
  loop,
  blas,
};

// FLOP counts at which the BLAS path starts to win, from bench/dense_kernels_bench.cpp on one core of
// an AMD EPYC (Zen 4) with Debian's OpenBLAS 0.3.21, recorded in docs/benchmarks/dense-kernels.md. A BLAS call there costs 70 to 110 ns even for a 2 x 10 layer, and the loop path beats it on
// the 14-10-2 MLP's layers at batch 1 (280 and 40 FLOPs) in both directions. In the backward
// direction BLAS already wins from batch 2 of that layer (560 FLOPs).
// NOTE: both values are specific to that machine and library. Rerun the benchmark elsewhere.
inline constexpr std::size_t dense_forward_blas_min_flops = 1024;
inline constexpr std::size_t dense_backward_blas_min_flops = 512;

// Returns 2 N out in, the multiply-add count of one forward product counted as two FLOPs each.
constexpr std::size_t dense_flops(std::size_t batch, std::size_t outputs, std::size_t inputs) {
  return 2 * batch * outputs * inputs;
}

// True when DensePath::automatic runs the product on BLAS.
constexpr bool dense_forward_uses_blas(std::size_t batch, std::size_t outputs, std::size_t inputs) {
  return dense_flops(batch, outputs, inputs) >= dense_forward_blas_min_flops;
}
constexpr bool dense_backward_uses_blas(std::size_t batch, std::size_t outputs, std::size_t inputs) {
  return dense_flops(batch, outputs, inputs) >= dense_backward_blas_min_flops;
}

// Writes Y = X W^T + 1 b^T (overwrites y).
void dense_forward(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y,
                   DensePath path = DensePath::automatic);

// Writes dW = G^T X and db = column sums of G (both overwritten), and dX = G W when dx is not null.
void dense_backward(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw, std::span<double> db,
                    MatrixView* dx, DensePath path = DensePath::automatic);

// Index-by-index references for the tests, as slow as they look.
void dense_forward_reference(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y);
void dense_backward_reference(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                              std::span<double> db, MatrixView* dx);

namespace detail {

// Throws std::invalid_argument naming both shapes when the arguments do not fit together.
void check_dense_forward_shapes(const ConstMatrixView& x, const ConstMatrixView& w, std::size_t bias_size,
                                const ConstMatrixView& y);
void check_dense_backward_shapes(const ConstMatrixView& x, const ConstMatrixView& w, const ConstMatrixView& g,
                                 const ConstMatrixView& dw, std::size_t bias_size, const MatrixView* dx);

// The two optimised paths, without shape checks.
void dense_forward_loop(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y);
void dense_forward_blas(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y);
void dense_backward_loop(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                         std::span<double> db, MatrixView* dx);
void dense_backward_blas(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                         std::span<double> db, MatrixView* dx);

// The plain SGD step of one layer fused into its weight-gradient product: W += -rate G^T X with
// cblas_dgemm's beta = 1, so dW is never stored. Writes db = column sums of G (the caller steps the
// biases), and dX = G W with W as it was before the step when dx is not null. The result may differ
// from dense_backward_blas followed by w += -rate dw in the last bits: a kernel may fuse the scaling
// with the update, and with a batch longer than its K blocking it adds each block's part separately.
// With OpenBLAS 0.3.21's SkylakeX and Haswell kernels at batch 32 to 128 the bits were the same.
void dense_step_blas(ConstMatrixView x, MatrixView w, ConstMatrixView g, double rate, std::span<double> db,
                     MatrixView* dx);

}  // namespace detail
}  // namespace nclab
