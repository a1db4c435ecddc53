#pragma once
// Decisions about a table of cells before it becomes a Dataset: whether the first row is a header,
// which column is the target, and which task the target column implies.

#include <cstddef>
#include <string>
#include <vector>

#include "framework/data/dataset.hpp"
#include "framework/data/text_table.hpp"

namespace nclab {

// Decides whether the first row is a header. Automatic mode treats it as one when none of its cells
// is a number and at least one of its text cells sits above a numeric cell (the first non-missing
// cell below it in the same column). A file with a single row has no header in automatic mode.
bool has_header_row(const TextTable& table, HeaderMode mode);

// Resolves the --target text to a 0-based column index among `column_names`. `spec` is empty (the last
// column), an integer index (negative counts from the end) or a header name, which needs a header.
// Throws InputError when the index is out of range or the name is unknown.
std::size_t resolve_target_column(const std::string& spec, const std::vector<std::string>& column_names,
                                  bool has_header, const std::string& path);

// Infers the task from the target cells (trimmed, none missing): classification when there are at most
// max_inferred_classes distinct values and each is an integer or non-numeric text, otherwise regression.
Task infer_task(const std::vector<std::string>& target_cells);

}  // namespace nclab
