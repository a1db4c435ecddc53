// OpenBLAS path of the dense kernels. All products are row-major cblas_dgemm calls, with each view's
// row stride as its leading dimension.
//
// NOTE: the Debian openblas package used here is the pthread build, which may start its own threads
// for a large product. Callers that run kernels inside parallel tasks should set
// openblas_set_num_threads(1) once at start-up.

#include <cblas.h>

#include <algorithm>

#include "framework/math/dense.hpp"

namespace nclab::detail {
namespace {

// BLAS requires a leading dimension >= max(1, columns), which an empty view may not have.
bool has_zero_dimension(std::size_t batch, std::size_t outputs, std::size_t inputs) {
  return batch == 0 || outputs == 0 || inputs == 0;
}

blasint leading(std::size_t stride, std::size_t cols) { return static_cast<blasint>(std::max<std::size_t>({stride, cols, 1})); }

blasint as_blas(std::size_t n) { return static_cast<blasint>(n); }

// db = column sums of G, accumulated row by row so that G is read contiguously.
void column_sums(ConstMatrixView g, std::span<double> db) {
  std::fill(db.begin(), db.end(), 0.0);
  for (std::size_t n = 0; n < g.rows; ++n) {
    const double* g_row = g.data + n * g.stride;
    for (std::size_t o = 0; o < g.cols; ++o) db[o] += g_row[o];
  }
}

}  // namespace

void dense_forward_blas(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y) {
  if (has_zero_dimension(x.rows, w.rows, w.cols)) {
    dense_forward_loop(x, w, b, y);
    return;
  }

  // Y = 1 b^T, then Y += X W^T.
  for (std::size_t n = 0; n < y.rows; ++n) std::copy(b.begin(), b.end(), y.data + n * y.stride);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, as_blas(x.rows), as_blas(w.rows), as_blas(w.cols), 1.0,
              x.data, leading(x.stride, x.cols), w.data, leading(w.stride, w.cols), 1.0, y.data,
              leading(y.stride, y.cols));
}

void dense_backward_blas(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                         std::span<double> db, MatrixView* dx) {
  if (has_zero_dimension(x.rows, w.rows, w.cols)) {
    dense_backward_loop(x, w, g, dw, db, dx);
    return;
  }

  // dW (out x in) = G^T (out x N) X (N x in).
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, as_blas(w.rows), as_blas(w.cols), as_blas(x.rows), 1.0,
              g.data, leading(g.stride, g.cols), x.data, leading(x.stride, x.cols), 0.0, dw.data,
              leading(dw.stride, dw.cols));

  column_sums(g, db);

  if (dx == nullptr) return;
  // dX (N x in) = G (N x out) W (out x in).
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, as_blas(x.rows), as_blas(w.cols), as_blas(w.rows), 1.0,
              g.data, leading(g.stride, g.cols), w.data, leading(w.stride, w.cols), 0.0, dx->data,
              leading(dx->stride, dx->cols));
}

void dense_step_blas(ConstMatrixView x, MatrixView w, ConstMatrixView g, double rate, std::span<double> db,
                     MatrixView* dx) {
  // dX (N x in) = G W, from W before the step.
  if (dx != nullptr) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, as_blas(x.rows), as_blas(w.cols), as_blas(w.rows), 1.0,
                g.data, leading(g.stride, g.cols), w.data, leading(w.stride, w.cols), 0.0, dx->data,
                leading(dx->stride, dx->cols));
  }

  // W += -rate G^T X in one product (beta = 1): no dW buffer is written, zeroed or read back.
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, as_blas(w.rows), as_blas(w.cols), as_blas(x.rows), -rate,
              g.data, leading(g.stride, g.cols), x.data, leading(x.stride, x.cols), 1.0, w.data,
              leading(w.stride, w.cols));

  column_sums(g, db);
}

}  // namespace nclab::detail
