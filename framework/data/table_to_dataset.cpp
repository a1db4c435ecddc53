// Conversion of a table of cells into a Dataset (dataset_from_table, declared in loader.hpp).

#include <algorithm>
#include <cctype>
#include <limits>

#include "framework/core/error.hpp"
#include "framework/data/cell.hpp"
#include "framework/data/label_table.hpp"
#include "framework/data/loader.hpp"
#include "framework/data/table_layout.hpp"

namespace nclab {
namespace {

constexpr const char* missing_value_advice =
    "pass --missing drop to remove rows with missing values, or --missing impute to replace them with "
    "the training mean of their column";

// Cells of the rows kept after the missing-value policy, before the target is interpreted.
struct ParsedRows {
  std::vector<double> inputs;  // row-major, rows x (columns - 1)
  std::vector<std::string> target_cells;
  std::vector<std::size_t> lines;
  std::size_t dropped = 0;
  std::vector<std::size_t> dropped_lines;
};

std::string default_column_name(std::size_t column) { return "column " + std::to_string(column + 1); }

void check_column_counts(const TextTable& table) {
  const std::size_t columns = table.rows.front().size();
  for (std::size_t row = 1; row < table.rows.size(); ++row) {
    const std::size_t found = table.rows[row].size();
    if (found == columns) continue;
    const std::size_t column = std::min(found, columns) + 1;
    throw InputError(cell_location(table.path, table.lines[row], column) + ": expected " +
                     std::to_string(columns) + " columns as on line " + std::to_string(table.lines.front()) +
                     ", found " + std::to_string(found) +
                     "; check for a missing or extra separator on this line");
  }
  if (columns < 2) {
    throw InputError(table.path +
                     " has a single column; a dataset needs at least one feature column and a "
                     "target column. If the file is not comma separated, pass --format whitespace");
  }
}

std::vector<std::string> column_names(const TextTable& table, bool header) {
  std::vector<std::string> names;
  const auto& first = table.rows.front();
  for (std::size_t column = 0; column < first.size(); ++column) {
    std::string name = header ? std::string(trim(first[column])) : std::string();
    if (name.empty()) name = default_column_name(column);
    names.push_back(std::move(name));
  }
  return names;
}

// Formats a cell position for messages, with the header name of the column when there is one.
std::string named_location(const TextTable& table, std::size_t line, std::size_t column,
                           const std::vector<std::string>& names) {
  std::string location = cell_location(table.path, line, column + 1);
  if (names[column] != default_column_name(column)) location += " ('" + names[column] + "')";
  return location;
}

// Parses the feature cells of every data row and applies the missing-value policy. Missing feature
// cells become quiet NaN, which prepare() imputes.
ParsedRows parse_rows(const TextTable& table, std::size_t first_data_row, std::size_t target,
                      const std::vector<std::string>& names, MissingPolicy policy) {
  ParsedRows parsed;
  const std::size_t columns = names.size();
  std::vector<double> values(columns - 1);

  for (std::size_t row = first_data_row; row < table.rows.size(); ++row) {
    const auto& cells = table.rows[row];
    const std::size_t line = table.lines[row];
    std::size_t first_missing = columns;  // column of the first missing cell, or columns if none

    for (std::size_t column = 0; column < columns; ++column) {
      const ParsedCell cell = parse_cell(cells[column]);
      const std::string where = named_location(table, line, column, names);
      if (cell.kind == CellKind::non_finite) {
        std::string text = cells[column];
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        if (text.find("nan") == std::string::npos && text.find("inf") == std::string::npos) {
          // A number such as 1e400 that overflows a double, not a spelled-out NaN or Inf.
          throw InputError(where + ": " + describe_cell(cells[column]) +
                           " is too large for a double (beyond 1.8e308); rescale the column or fix the value");
        }
        throw InputError(where + ": " + describe_cell(cells[column]) +
                         " is not a finite number; NaN and Inf are not accepted in data files, so write a "
                         "missing value as ?, NA or an empty cell instead");
      }
      if (cell.kind == CellKind::missing) {
        if (first_missing == columns) first_missing = column;
        if (column == target && policy == MissingPolicy::impute) {
          throw InputError(where +
                           ": the target value is missing, and imputation fills feature columns "
                           "only; pass --missing drop to remove rows without a target");
        }
        continue;
      }
      if (column == target) continue;

      if (cell.kind == CellKind::text) {
        std::string advice = "fix the cell, or choose a different target column with --target";
        if (row == 0) advice = "if this line contains column names, pass --header present";
        throw InputError(where + ": non-numeric value " + describe_cell(cells[column]) +
                         " in a feature column; feature columns must contain numbers, so " + advice);
      }
      values[column < target ? column : column - 1] = cell.value;
    }

    if (first_missing != columns) {
      if (policy == MissingPolicy::error) {
        throw InputError(named_location(table, line, first_missing, names) + ": missing value " +
                         describe_cell(cells[first_missing]) + "; " + missing_value_advice);
      }
      if (policy == MissingPolicy::drop) {
        ++parsed.dropped;
        parsed.dropped_lines.push_back(line);
        continue;
      }
      for (std::size_t column = 0; column < columns; ++column) {
        if (column == target || parse_cell(cells[column]).kind != CellKind::missing) continue;
        values[column < target ? column : column - 1] = std::numeric_limits<double>::quiet_NaN();
      }
    }

    parsed.inputs.insert(parsed.inputs.end(), values.begin(), values.end());
    parsed.target_cells.emplace_back(trim(cells[target]));
    parsed.lines.push_back(line);
  }
  return parsed;
}

std::string describe_dropped_rows(const ParsedRows& parsed, const std::string& path) {
  constexpr std::size_t lines_shown = 10;
  std::string lines;
  for (std::size_t i = 0; i < parsed.dropped_lines.size() && i < lines_shown; ++i) {
    lines += (i == 0 ? "" : ", ") + std::to_string(parsed.dropped_lines[i]);
  }
  if (parsed.dropped_lines.size() > lines_shown) lines += ", ...";
  return "dropped " + std::to_string(parsed.dropped) + " of " +
         std::to_string(parsed.dropped + parsed.lines.size()) + " rows of " + path +
         " with missing values (" + (parsed.dropped == 1 ? "line " : "lines ") + lines + ")";
}

// Fills the task, targets or labels of `dataset` from the target cells.
void set_targets(Dataset& dataset, const ParsedRows& parsed, const TextTable& table,
                 const std::vector<std::string>& names, std::size_t target, const LoadOptions& options) {
  dataset.task = options.task.value_or(infer_task(parsed.target_cells));

  if (dataset.task == Task::classification) {
    LabelTable table_of_labels = encode_labels(parsed.target_cells);
    dataset.labels = std::move(table_of_labels.labels);
    dataset.label_names = std::move(table_of_labels.names);
    return;
  }

  dataset.targets.resize(parsed.target_cells.size(), 1);
  for (std::size_t row = 0; row < parsed.target_cells.size(); ++row) {
    const ParsedCell cell = parse_cell(parsed.target_cells[row]);
    if (cell.kind != CellKind::number) {
      throw InputError(named_location(table, parsed.lines[row], target, names) +
                       ": non-numeric target value " + describe_cell(parsed.target_cells[row]) +
                       " for regression; pass --task classification if the column contains class labels, or "
                       "choose another column with --target");
    }
    dataset.targets(row, 0) = cell.value;
  }
}

}  // namespace

Dataset dataset_from_table(const TextTable& table, const LoadOptions& options) {
  if (table.rows.empty()) {
    throw InputError(table.path +
                     " is empty: it has no data rows; check that the file was written "
                     "completely");
  }
  check_column_counts(table);

  const bool header = has_header_row(table, options.header);
  const std::size_t first_data_row = header ? 1 : 0;
  if (first_data_row >= table.rows.size()) {
    throw InputError(table.path +
                     " has a header row but no data rows; check that the file was written "
                     "completely, or pass --header absent if the first row is data");
  }
  const std::vector<std::string> names = column_names(table, header);
  const std::size_t target = resolve_target_column(options.target, names, header, table.path);

  ParsedRows parsed = parse_rows(table, first_data_row, target, names, options.missing);
  if (parsed.lines.empty()) {
    throw InputError("every row of " + table.path +
                     " has a missing value, so --missing drop leaves no "
                     "data; use --missing impute, or fill in the missing values");
  }

  Dataset dataset;
  dataset.source = table.path;
  for (std::size_t column = 0; column < names.size(); ++column) {
    if (column != target) dataset.feature_names.push_back(names[column]);
  }
  dataset.target_names = {names[target]};
  dataset.inputs.resize(parsed.lines.size(), names.size() - 1);
  dataset.inputs.storage() = std::move(parsed.inputs);
  dataset.source_lines = parsed.lines;
  dataset.dropped_rows = parsed.dropped;
  if (parsed.dropped > 0) dataset.warnings.push_back(describe_dropped_rows(parsed, table.path));

  set_targets(dataset, parsed, table, names, target, options);
  return dataset;
}

}  // namespace nclab
