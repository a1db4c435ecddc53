#pragma once
// Loop path of the dense kernels, for layers too small to pay for a BLAS call. The kernels are inline
// so that DenseNetwork, which calls them once per layer and pattern in online training, compiles them
// into its own passes without a call per layer. dense_loop.cpp compiles them as
// detail::dense_forward_loop and detail::dense_backward_loop for everything else.
//
// Without -ffast-math the compiler may not reorder a floating-point sum, so a plain dot product runs
// at the latency of one addition per element. The forward kernel therefore keeps four independent
// sums running: four outputs at once, then two outputs split into even and odd terms, then one output
// split four ways. The backward kernels add four scaled rows per store. The
// top-level CMakeLists.txt compiles dense_loop.cpp with -fvect-cost-model=dynamic, because at -O2 GCC
// 12 otherwise vectorises no loop that needs an alias check or a remainder loop (-O3 uses that cost
// model anyway). Vectorising changes no result, because none of these loops reorders a sum. Pointers
// are __restrict: outputs must not overlap inputs, as dense.hpp requires.

#include "framework/math/dense.hpp"

namespace nclab::detail {
namespace dense_loop {

// Returns the dot products of x with two contiguous rows, each summed as even and odd terms so that
// four sums run side by side.
inline void dot2(const double* __restrict x, const double* __restrict w0, const double* __restrict w1,
                 std::size_t n, double& out0, double& out1) {
  double s0 = 0.0, s1 = 0.0, t0 = 0.0, t1 = 0.0;
  std::size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += x[i] * w0[i];
    s1 += x[i] * w1[i];
    t0 += x[i + 1] * w0[i + 1];
    t1 += x[i + 1] * w1[i + 1];
  }
  if (i < n) {
    s0 += x[i] * w0[i];
    s1 += x[i] * w1[i];
  }
  out0 = s0 + t0;
  out1 = s1 + t1;
}

// Returns the dot product of two contiguous rows, summed in four interleaved parts.
inline double dot(const double* __restrict a, const double* __restrict b, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

// Row operations on contiguous rows of length n: y = a x, y += a x, and the same with four rows.
inline void assign_scaled(double* __restrict y, double a, const double* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = a * x[i];
}

inline void add_scaled(double* __restrict y, double a, const double* __restrict x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

inline void assign_scaled4(double* __restrict y, const double (&a)[4], const double* const (&x)[4], std::size_t n) {
  const double* __restrict x0 = x[0];
  const double* __restrict x1 = x[1];
  const double* __restrict x2 = x[2];
  const double* __restrict x3 = x[3];
  for (std::size_t i = 0; i < n; ++i) y[i] = a[0] * x0[i] + a[1] * x1[i] + a[2] * x2[i] + a[3] * x3[i];
}

inline void add_scaled4(double* __restrict y, const double (&a)[4], const double* const (&x)[4], std::size_t n) {
  const double* __restrict x0 = x[0];
  const double* __restrict x1 = x[1];
  const double* __restrict x2 = x[2];
  const double* __restrict x3 = x[3];
  for (std::size_t i = 0; i < n; ++i) y[i] += a[0] * x0[i] + a[1] * x1[i] + a[2] * x2[i] + a[3] * x3[i];
}

// Overwrites y (length n) with sum_k alpha_k x_k over `count` rows x_k, where alpha_k sits at
// alpha[k * alpha_stride] and row x_k starts at rows + k * row_stride. A count of 0 writes zeros.
inline void combine_rows(double* y, const double* alpha, std::size_t alpha_stride, const double* rows,
                  std::size_t row_stride, std::size_t count, std::size_t n) {
  std::size_t k = 0;
  for (; k + 4 <= count; k += 4) {
    const double a[4] = {alpha[k * alpha_stride], alpha[(k + 1) * alpha_stride], alpha[(k + 2) * alpha_stride],
                         alpha[(k + 3) * alpha_stride]};
    const double* const x[4] = {rows + k * row_stride, rows + (k + 1) * row_stride, rows + (k + 2) * row_stride,
                                rows + (k + 3) * row_stride};
    if (k == 0) {
      assign_scaled4(y, a, x, n);
    } else {
      add_scaled4(y, a, x, n);
    }
  }
  for (; k < count; ++k) {
    if (k == 0) {
      assign_scaled(y, alpha[0], rows, n);
    } else {
      add_scaled(y, alpha[k * alpha_stride], rows + k * row_stride, n);
    }
  }
  if (count == 0) {
    for (std::size_t i = 0; i < n; ++i) y[i] = 0.0;
  }
}

}  // namespace dense_loop

inline void dense_forward_loop_kernel(ConstMatrixView x, ConstMatrixView w, std::span<const double> b,
                                      MatrixView y) {
  using namespace dense_loop;
  const std::size_t inputs = w.cols;
  const std::size_t outputs = w.rows;
  for (std::size_t n = 0; n < x.rows; ++n) {
    const double* __restrict x_row = x.data + n * x.stride;
    double* __restrict y_row = y.data + n * y.stride;

    std::size_t o = 0;
    for (; o + 4 <= outputs; o += 4) {
      const double* __restrict w0 = w.data + o * w.stride;
      const double* __restrict w1 = w0 + w.stride;
      const double* __restrict w2 = w1 + w.stride;
      const double* __restrict w3 = w2 + w.stride;
      double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      for (std::size_t i = 0; i < inputs; ++i) {
        const double xi = x_row[i];
        s0 += xi * w0[i];
        s1 += xi * w1[i];
        s2 += xi * w2[i];
        s3 += xi * w3[i];
      }
      y_row[o] = s0 + b[o];
      y_row[o + 1] = s1 + b[o + 1];
      y_row[o + 2] = s2 + b[o + 2];
      y_row[o + 3] = s3 + b[o + 3];
    }
    if (o + 2 <= outputs) {
      double s0 = 0.0, s1 = 0.0;
      dot2(x_row, w.data + o * w.stride, w.data + (o + 1) * w.stride, inputs, s0, s1);
      y_row[o] = s0 + b[o];
      y_row[o + 1] = s1 + b[o + 1];
      o += 2;
    }
    if (o < outputs) y_row[o] = dot(x_row, w.data + o * w.stride, inputs) + b[o];
  }
}

inline void dense_backward_loop_kernel(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                                       std::span<double> db, MatrixView* dx) {
  using namespace dense_loop;
  const std::size_t inputs = w.cols;
  const std::size_t outputs = w.rows;
  const std::size_t batch = x.rows;

  // db = column sums of G.
  for (std::size_t o = 0; o < outputs; ++o) {
    double sum = 0.0;
    for (std::size_t n = 0; n < batch; ++n) sum += g.data[n * g.stride + o];
    db[o] = sum;
  }

  // dW = G^T X: row o of dW is sum_n g_no x_n, which at batch 1 is the outer product g x^T.
  if (batch == 1) {
    for (std::size_t o = 0; o < outputs; ++o) assign_scaled(dw.data + o * dw.stride, g.data[o], x.data, inputs);
  } else {
    for (std::size_t o = 0; o < outputs; ++o) {
      combine_rows(dw.data + o * dw.stride, g.data + o, g.stride, x.data, x.stride, batch, inputs);
    }
  }

  if (dx == nullptr) return;
  // dX = G W: row n of dX is sum_o g_no w_o.
  for (std::size_t n = 0; n < batch; ++n) {
    combine_rows(dx->data + n * dx->stride, g.data + n * g.stride, 1, w.data, w.stride, outputs, inputs);
  }
}

}  // namespace nclab::detail
