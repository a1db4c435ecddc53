#pragma once
// Dense row-major matrices of doubles.
//
// Shape convention for all of nclab: one sample per row. A batch of N patterns with d features is an
// N x d matrix; a layer's weights are stored as (outputs x inputs), so a layer computes
// Y = X W^T + 1 b^T for a batch X.

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nclab {

// Non-owning read-only view of a row-major block; `stride` is the distance between rows, in elements.
struct ConstMatrixView {
  const double* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  const double& operator()(std::size_t r, std::size_t c) const { return data[r * stride + c]; }
  std::span<const double> row(std::size_t r) const { return {data + r * stride, cols}; }
  ConstMatrixView rows_range(std::size_t first, std::size_t count) const {
    return {data + first * stride, count, cols, stride};
  }
};

// Non-owning writable view of a row-major block.
struct MatrixView {
  double* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  double& operator()(std::size_t r, std::size_t c) const { return data[r * stride + c]; }
  std::span<double> row(std::size_t r) const { return {data + r * stride, cols}; }
  MatrixView rows_range(std::size_t first, std::size_t count) const {
    return {data + first * stride, count, cols, stride};
  }
  operator ConstMatrixView() const { return {data, rows, cols, stride}; }
};

// Owning row-major matrix with contiguous rows (stride == cols).
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, double fill = 0.0)
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  double* data() { return data_.data(); }
  const double* data() const { return data_.data(); }
  std::vector<double>& storage() { return data_; }
  const std::vector<double>& storage() const { return data_; }

  double& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  std::span<double> row(std::size_t r) { return {data_.data() + r * cols_, cols_}; }
  std::span<const double> row(std::size_t r) const { return {data_.data() + r * cols_, cols_}; }

  // Resizes without preserving contents; reuses the allocation when it is large enough.
  void resize(std::size_t rows, std::size_t cols) {
    rows_ = rows;
    cols_ = cols;
    data_.resize(rows * cols);
  }
  void fill(double value) { data_.assign(data_.size(), value); }

  MatrixView view() { return {data_.data(), rows_, cols_, cols_}; }
  ConstMatrixView view() const { return {data_.data(), rows_, cols_, cols_}; }
  ConstMatrixView cview() const { return view(); }
  operator MatrixView() { return view(); }
  operator ConstMatrixView() const { return view(); }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<double> data_;
};

// Copies the listed rows of `source` into a new matrix, in the order given.
Matrix gather_rows(ConstMatrixView source, std::span<const std::size_t> rows);

// Formats a shape as "RxC" for error messages.
std::string shape_string(std::size_t rows, std::size_t cols);

}  // namespace nclab
