#pragma once
// Shape checks shared by the math kernels. They throw std::invalid_argument: a shape mismatch inside
// the framework is a programming error, not bad user input.

#include <stdexcept>
#include <string>

#include "framework/core/matrix.hpp"

namespace nclab::detail {

// Throws unless `actual` is rows x cols. `argument` names the function and the argument for the message.
inline void require_shape(const char* argument, const ConstMatrixView& actual, std::size_t rows, std::size_t cols) {
  if (actual.rows != rows || actual.cols != cols) {
    throw std::invalid_argument(std::string(argument) + " is " + shape_string(actual.rows, actual.cols) +
                                ", expected " + shape_string(rows, cols));
  }
}

}  // namespace nclab::detail
