// Out-of-line loop path of the dense kernels; the kernels themselves are in dense_loop.hpp.

#include "framework/math/dense_loop.hpp"

namespace nclab::detail {

void dense_forward_loop(ConstMatrixView x, ConstMatrixView w, std::span<const double> b, MatrixView y) {
  dense_forward_loop_kernel(x, w, b, y);
}

void dense_backward_loop(ConstMatrixView x, ConstMatrixView w, ConstMatrixView g, MatrixView dw,
                         std::span<double> db, MatrixView* dx) {
  dense_backward_loop_kernel(x, w, g, dw, db, dx);
}

}  // namespace nclab::detail
