#include "framework/core/format.hpp"

#include <charconv>

namespace nclab {

std::string format_number(double value) {
  if (value == 0.0) return "0";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace nclab
