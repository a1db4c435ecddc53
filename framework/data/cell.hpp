#pragma once
// Classification of one text cell of a data file: missing, a finite number, a written NaN or Inf, or
// other text. Loaders use it so that every file format treats cells the same way.

#include <string>
#include <string_view>

#include "framework/core/format.hpp"

namespace nclab {

// The text without leading or trailing spaces, tabs and carriage returns.
std::string_view trim(std::string_view text);

// True for the cells that stand for a missing value: empty, "?" or "NA", after trimming.
bool is_missing_cell(std::string_view text);

enum class CellKind {
  missing,     // see is_missing_cell
  number,      // a finite decimal number
  non_finite,  // NaN, Inf, or a number outside the range of double, written in the file
  text,        // anything else
};

struct ParsedCell {
  CellKind kind = CellKind::text;
  double value = 0.0;  // set for CellKind::number
};

// Classifies a cell. Numbers are decimal with an optional sign and exponent ("-1.5e3", "+2", ".5"),
// and the whole trimmed cell must be the number.
ParsedCell parse_cell(std::string_view text);

// Shows a cell in a message: 'abc' in quotes, or "an empty cell".
std::string describe_cell(std::string_view text);

}  // namespace nclab
