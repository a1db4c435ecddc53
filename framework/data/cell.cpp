#include "framework/data/cell.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace nclab {

std::string_view trim(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

bool is_missing_cell(std::string_view text) {
  const std::string_view cell = trim(text);
  return cell.empty() || cell == "?" || cell == "NA";
}

ParsedCell parse_cell(std::string_view text) {
  std::string_view cell = trim(text);
  if (is_missing_cell(cell)) return {CellKind::missing, 0.0};

  // std::from_chars rejects a leading '+', which spreadsheets write. Accept it before anything but a
  // sign, so that "+-1" stays text.
  if (cell.size() > 1 && cell.front() == '+' && cell[1] != '-' && cell[1] != '+') cell.remove_prefix(1);

  double value = 0.0;
  const char* end = cell.data() + cell.size();
  const auto [ptr, ec] = std::from_chars(cell.data(), end, value, std::chars_format::general);
  if (ptr != end) return {CellKind::text, 0.0};
  if (ec == std::errc::result_out_of_range) {
    // from_chars also reports underflow ("1e-400") as out of range, but strtod rounds it to 0 or a
    // subnormal, which is a valid finite value. Overflow stays non-finite.
    const double rounded = std::strtod(std::string(cell).c_str(), nullptr);
    if (std::isfinite(rounded)) return {CellKind::number, rounded};
    return {CellKind::non_finite, 0.0};
  }
  if (ec != std::errc()) return {CellKind::text, 0.0};
  if (!std::isfinite(value)) return {CellKind::non_finite, 0.0};
  return {CellKind::number, value};
}

std::string describe_cell(std::string_view text) {
  const std::string_view cell = trim(text);
  if (cell.empty()) return "an empty cell";
  return "'" + std::string(cell) + "'";
}

}  // namespace nclab
