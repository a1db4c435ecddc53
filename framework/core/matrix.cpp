#include "framework/core/matrix.hpp"

#include <algorithm>

namespace nclab {

Matrix gather_rows(ConstMatrixView source, std::span<const std::size_t> rows) {
  Matrix out(rows.size(), source.cols);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= source.rows) {
      throw std::out_of_range("gather_rows: row " + std::to_string(rows[i]) + " is outside a matrix of " +
                              std::to_string(source.rows) + " rows");
    }
    auto src = source.row(rows[i]);
    std::copy(src.begin(), src.end(), out.row(i).begin());
  }
  return out;
}

std::string shape_string(std::size_t rows, std::size_t cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

}  // namespace nclab
