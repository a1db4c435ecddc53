#include "framework/data/table_layout.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "framework/core/error.hpp"
#include "framework/data/cell.hpp"

namespace nclab {

bool has_header_row(const TextTable& table, HeaderMode mode) {
  if (mode == HeaderMode::present) return true;
  if (mode == HeaderMode::absent || table.rows.size() < 2) return false;

  const auto& first = table.rows.front();
  bool text_above_number = false;
  for (std::size_t column = 0; column < first.size(); ++column) {
    const CellKind kind = parse_cell(first[column]).kind;
    if (kind == CellKind::number || kind == CellKind::non_finite) return false;
    if (kind != CellKind::text) continue;

    for (std::size_t row = 1; row < table.rows.size(); ++row) {
      if (column >= table.rows[row].size()) continue;
      const CellKind below = parse_cell(table.rows[row][column]).kind;
      if (below == CellKind::missing) continue;
      if (below == CellKind::number) text_above_number = true;
      break;
    }
  }
  return text_above_number;
}

std::size_t resolve_target_column(const std::string& spec, const std::vector<std::string>& column_names,
                                  bool has_header, const std::string& path) {
  const auto columns = static_cast<long long>(column_names.size());
  if (spec.empty()) return column_names.size() - 1;

  long long index = 0;
  const char* end = spec.data() + spec.size();
  const auto [ptr, ec] = std::from_chars(spec.data(), end, index);
  if (ec == std::errc() && ptr == end) {
    const long long resolved = index < 0 ? columns + index : index;
    if (resolved < 0 || resolved >= columns) {
      throw InputError("--target " + spec + " is out of range: " + path + " has " + std::to_string(columns) +
                       " columns, so give an index from 0 to " + std::to_string(columns - 1) + " or from -" +
                       std::to_string(columns) + " to -1");
    }
    return static_cast<std::size_t>(resolved);
  }

  if (!has_header) {
    throw InputError("--target '" + spec + "' is a column name, but " + path +
                     " has no header row; give a 0-based column index, or pass --header present if the "
                     "first row contains the column names");
  }
  for (std::size_t column = 0; column < column_names.size(); ++column) {
    if (column_names[column] == spec) return column;
  }
  std::string known;
  for (const auto& name : column_names) known += (known.empty() ? "" : ", ") + name;
  throw InputError("--target '" + spec + "' is not a column of " + path + "; its header has: " + known);
}

Task infer_task(const std::vector<std::string>& target_cells) {
  std::set<double> numbers;
  std::set<std::string> words;
  for (const auto& text : target_cells) {
    const ParsedCell cell = parse_cell(text);
    if (cell.kind == CellKind::number) {
      if (cell.value != std::floor(cell.value)) return Task::regression;
      numbers.insert(cell.value);
    } else {
      words.emplace(trim(text));
    }
    if (numbers.size() + words.size() > max_inferred_classes) return Task::regression;
  }
  return Task::classification;
}

}  // namespace nclab
