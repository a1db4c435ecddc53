#include "framework/math/dense.hpp"

#include <stdexcept>
#include <string>

#include "framework/math/shape_check.hpp"

namespace nclab {
namespace detail {

void check_dense_forward_shapes(const ConstMatrixView& x, const ConstMatrixView& w, std::size_t bias_size,
                                const ConstMatrixView& y) {
  require_shape("dense forward: W", w, y.cols, x.cols);
  require_shape("dense forward: Y", y, x.rows, w.rows);
  if (bias_size != w.rows) {
    throw std::invalid_argument("dense forward: b has " + std::to_string(bias_size) + " entries, expected " +
                                std::to_string(w.rows));
  }
}

void check_dense_backward_shapes(const ConstMatrixView& x, const ConstMatrixView& w, const ConstMatrixView& g,
                                 const ConstMatrixView& dw, std::size_t bias_size, const MatrixView* dx) {
  require_shape("dense backward: W", w, g.cols, x.cols);
  require_shape("dense backward: G", g, x.rows, w.rows);
  require_shape("dense backward: dW", dw, w.rows, w.cols);
  if (bias_size != w.rows) {
    throw std::invalid_argument("dense backward: db has " + std::to_string(bias_size) + " entries, expected " +
                                std::to_string(w.rows));
  }
  if (dx != nullptr) require_shape("dense backward: dX", *dx, x.rows, x.cols);
}

}  // namespace detail

namespace {

bool use_blas(DensePath path, bool automatic_choice) {
  switch (path) {
    case DensePath::loop:
      return false;
    case DensePath::blas:
      return true;
    case DensePath::automatic:
      break;
  }
  return automatic_choice;
}

}  // namespace

void dense_forward(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y, DensePath path) {
  detail::check_dense_forward_shapes(x, w, b.size(), y);
  if (use_blas(path, dense_forward_uses_blas(x.rows, w.rows, w.cols))) {
    detail::dense_forward_blas(x, w, b, y);
  } else {
    detail::dense_forward_loop(x, w, b, y);
  }
}

void dense_backward(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw, std::span<double> db,
                    MatrixView* dx, DensePath path) {
  detail::check_dense_backward_shapes(x, w, g, dw, db.size(), dx);
  if (use_blas(path, dense_backward_uses_blas(x.rows, w.rows, w.cols))) {
    detail::dense_backward_blas(x, w, g, dw, db, dx);
  } else {
    detail::dense_backward_loop(x, w, g, dw, db, dx);
  }
}

void dense_forward_reference(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y) {
  detail::check_dense_forward_shapes(x, w, b.size(), y);
  for (std::size_t n = 0; n < x.rows; ++n) {
    for (std::size_t o = 0; o < w.rows; ++o) {
      double sum = b[o];
      for (std::size_t i = 0; i < w.cols; ++i) sum += x(n, i) * w(o, i);
      y(n, o) = sum;
    }
  }
}

void dense_backward_reference(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                              std::span<double> db, MatrixView* dx) {
  detail::check_dense_backward_shapes(x, w, g, dw, db.size(), dx);
  for (std::size_t o = 0; o < w.rows; ++o) {
    for (std::size_t i = 0; i < w.cols; ++i) {
      double sum = 0.0;
      for (std::size_t n = 0; n < x.rows; ++n) sum += g(n, o) * x(n, i);
      dw(o, i) = sum;
    }
    double bias_sum = 0.0;
    for (std::size_t n = 0; n < x.rows; ++n) bias_sum += g(n, o);
    db[o] = bias_sum;
  }
  if (dx == nullptr) return;
  for (std::size_t n = 0; n < x.rows; ++n) {
    for (std::size_t i = 0; i < w.cols; ++i) {
      double sum = 0.0;
      for (std::size_t o = 0; o < w.rows; ++o) sum += g(n, o) * w(o, i);
      (*dx)(n, i) = sum;
    }
  }
}

}  // namespace nclab
