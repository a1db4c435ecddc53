// Both optimised dense paths against the index-by-index reference, on multi-pattern batches, batch 1,
// 1 x 1 layers, strided views and empty batches.

#include "framework/math/dense.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "framework/core/rng.hpp"

namespace nclab {
namespace {

struct DenseCase {
  std::size_t batch;
  std::size_t outputs;
  std::size_t inputs;
};

std::string case_name(const DenseCase& c) {
  return std::to_string(c.batch) + "x" + std::to_string(c.outputs) + "x" + std::to_string(c.inputs);
}

// Lets GoogleTest print a failing case as "N x out x in" instead of raw bytes.
void PrintTo(const DenseCase& c, std::ostream* out) { *out << case_name(c); }

// A block with `padding` unused columns after each row, so that stride != cols.
struct Block {
  std::vector<double> storage;
  MatrixView view;

  Block(std::size_t rows, std::size_t cols, std::size_t padding, Rng& rng) : storage(rows * (cols + padding)) {
    for (double& value : storage) value = rng.uniform(-1.0, 1.0);
    view = {storage.data(), rows, cols, cols + padding};
  }
};

double max_difference(ConstMatrixView a, ConstMatrixView b) {
  double worst = 0.0;
  for (std::size_t r = 0; r < a.rows; ++r) {
    for (std::size_t c = 0; c < a.cols; ++c) worst = std::max(worst, std::abs(a(r, c) - b(r, c)));
  }
  return worst;
}

double max_difference(std::span<const double> a, std::span<const double> b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

class DenseKernelTest : public ::testing::TestWithParam<DenseCase> {};

TEST_P(DenseKernelTest, ForwardPathsMatchReference) {
  const DenseCase c = GetParam();
  for (const std::size_t padding : {0u, 3u}) {
    Rng rng(11 + padding);
    Block x(c.batch, c.inputs, padding, rng);
    Block w(c.outputs, c.inputs, padding, rng);
    std::vector<double> b(c.outputs);
    for (double& value : b) value = rng.uniform(-1.0, 1.0);
    Block expected(c.batch, c.outputs, padding, rng);
    dense_forward_reference(x.view, w.view, b, expected.view);

    for (const DensePath path : {DensePath::loop, DensePath::blas, DensePath::automatic}) {
      Block y(c.batch, c.outputs, padding, rng);  // random contents: the kernel must overwrite them
      const std::vector<double> before = y.storage;
      dense_forward(x.view, w.view, b, y.view, path);
      EXPECT_LT(max_difference(y.view, expected.view), 1e-13)
          << "path " << static_cast<int>(path) << ", padding " << padding;
      // The padding columns after each row must be untouched.
      for (std::size_t r = 0; r < c.batch; ++r) {
        for (std::size_t p = 0; p < padding; ++p) {
          const std::size_t index = r * y.view.stride + c.outputs + p;
          EXPECT_EQ(y.storage[index], before[index]) << "padding written at row " << r;
        }
      }
    }
  }
}

TEST_P(DenseKernelTest, BackwardPathsMatchReference) {
  const DenseCase c = GetParam();
  for (const std::size_t padding : {0u, 2u}) {
    Rng rng(29 + padding);
    Block x(c.batch, c.inputs, padding, rng);
    Block w(c.outputs, c.inputs, padding, rng);
    Block g(c.batch, c.outputs, padding, rng);
    Block dw_expected(c.outputs, c.inputs, padding, rng);
    Block dx_expected(c.batch, c.inputs, padding, rng);
    std::vector<double> db_expected(c.outputs);
    dense_backward_reference(x.view, w.view, g.view, dw_expected.view, db_expected, &dx_expected.view);

    for (const DensePath path : {DensePath::loop, DensePath::blas, DensePath::automatic}) {
      Block dw(c.outputs, c.inputs, padding, rng);
      Block dx(c.batch, c.inputs, padding, rng);
      std::vector<double> db(c.outputs, 99.0);
      dense_backward(x.view, w.view, g.view, dw.view, db, &dx.view, path);
      EXPECT_LT(max_difference(dw.view, dw_expected.view), 1e-13) << "dW, path " << static_cast<int>(path);
      EXPECT_LT(max_difference(db, db_expected), 1e-13) << "db, path " << static_cast<int>(path);
      EXPECT_LT(max_difference(dx.view, dx_expected.view), 1e-13) << "dX, path " << static_cast<int>(path);

      // Without dX the parameter gradients are the same.
      Block dw_only(c.outputs, c.inputs, padding, rng);
      dense_backward(x.view, w.view, g.view, dw_only.view, db, nullptr, path);
      EXPECT_LT(max_difference(dw_only.view, dw_expected.view), 1e-13) << "dW without dX, path " << static_cast<int>(path);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, DenseKernelTest,
                         ::testing::Values(DenseCase{1, 1, 1}, DenseCase{5, 1, 1}, DenseCase{1, 10, 14},
                                           DenseCase{1, 2, 10}, DenseCase{7, 5, 3}, DenseCase{9, 10, 14},
                                           DenseCase{3, 4, 8}, DenseCase{2, 13, 1}, DenseCase{4, 3, 9},
                                           DenseCase{1, 7, 5}, DenseCase{64, 33, 17},
                                           DenseCase{1, 100, 100}),
                         [](const ::testing::TestParamInfo<DenseCase>& info) { return case_name(info.param); });

TEST(DenseKernel, HandComputedForwardAndBackward) {
  // X = [[1, 2]], W = [[3, 4], [5, 6], [7, 8]], b = [1, 0, -1] -> Y = [[12, 17, 22]].
  Matrix x(1, 2);
  x(0, 0) = 1.0;
  x(0, 1) = 2.0;
  Matrix w(3, 2);
  const double weights[] = {3, 4, 5, 6, 7, 8};
  for (std::size_t i = 0; i < 6; ++i) w.storage()[i] = weights[i];
  const std::vector<double> b = {1.0, 0.0, -1.0};
  for (const DensePath path : {DensePath::loop, DensePath::blas}) {
    Matrix y(1, 3);
    dense_forward(x, w, b, y, path);
    EXPECT_EQ(y(0, 0), 12.0);
    EXPECT_EQ(y(0, 1), 17.0);
    EXPECT_EQ(y(0, 2), 22.0);

    // G = [[1, 0, -1]]: dW = G^T X, db = G, dX = G W = [[3 - 7, 4 - 8]].
    Matrix g(1, 3);
    g(0, 0) = 1.0;
    g(0, 2) = -1.0;
    Matrix dw(3, 2), dx(1, 2);
    std::vector<double> db(3);
    MatrixView dx_view = dx;
    dense_backward(x, w, g, dw, db, &dx_view, path);
    EXPECT_EQ(dw(0, 0), 1.0);
    EXPECT_EQ(dw(0, 1), 2.0);
    EXPECT_EQ(dw(1, 0), 0.0);
    EXPECT_EQ(dw(1, 1), 0.0);
    EXPECT_EQ(dw(2, 0), -1.0);
    EXPECT_EQ(dw(2, 1), -2.0);
    EXPECT_EQ(db[0], 1.0);
    EXPECT_EQ(db[1], 0.0);
    EXPECT_EQ(db[2], -1.0);
    EXPECT_EQ(dx(0, 0), -4.0);
    EXPECT_EQ(dx(0, 1), -4.0);
  }
}

TEST(DenseKernel, EmptyBatchZeroesParameterGradients) {
  Matrix x(0, 3), w(2, 3, 1.0), g(0, 2), dx(0, 3);
  for (const DensePath path : {DensePath::loop, DensePath::blas}) {
    Matrix dw(2, 3, 5.0);
    std::vector<double> db(2, 5.0);
    MatrixView dx_view = dx;
    dense_backward(x, w, g, dw, db, &dx_view, path);
    for (double value : dw.storage()) EXPECT_EQ(value, 0.0);
    EXPECT_EQ(db[0], 0.0);
    EXPECT_EQ(db[1], 0.0);
  }
}

TEST(DenseKernel, RejectsShapeMismatch) {
  Matrix x(2, 3), w(4, 3), y(2, 4), bad_y(2, 5), g(2, 4), dw(4, 3), bad_dw(3, 4), dx(2, 3), bad_dx(3, 3);
  std::vector<double> b(4), bad_b(3);
  MatrixView bad_dx_view = bad_dx;
  EXPECT_THROW(dense_forward(x, w, b, bad_y), std::invalid_argument);
  EXPECT_THROW(dense_forward(x, w, bad_b, y), std::invalid_argument);
  EXPECT_THROW(dense_backward(x, w, g, bad_dw, b, nullptr), std::invalid_argument);
  EXPECT_THROW(dense_backward(x, w, g, dw, bad_b, nullptr), std::invalid_argument);
  EXPECT_THROW(dense_backward(x, w, g, dw, b, &bad_dx_view), std::invalid_argument);
}

TEST(DenseKernel, ThresholdsKeepSmallMlpOnLoop) {
  // The 14-10-2 MLP at batch 1 stays below both thresholds, and a 32 x 32 layer at batch 16 is above.
  EXPECT_EQ(dense_flops(1, 10, 14), 280u);
  EXPECT_LT(dense_flops(1, 10, 14), dense_forward_blas_min_flops);
  EXPECT_LT(dense_flops(1, 10, 14), dense_backward_blas_min_flops);
  EXPECT_GE(dense_flops(16, 32, 32), dense_forward_blas_min_flops);
  EXPECT_GE(dense_flops(16, 32, 32), dense_backward_blas_min_flops);
}

}  // namespace
}  // namespace nclab
