#include "framework/data/label_table.hpp"

#include <algorithm>
#include <map>

#include "framework/core/error.hpp"
#include "framework/data/cell.hpp"

namespace nclab {
namespace {

// Labels that all parse as numbers share a class when their values are equal.
LabelTable encode_numeric_labels(const std::vector<double>& values) {
  std::map<double, int> classes;
  for (double value : values) classes.emplace(value, 0);

  LabelTable table;
  for (auto& [value, index] : classes) {
    index = static_cast<int>(table.names.size());
    table.names.push_back(format_number(value == 0.0 ? 0.0 : value));  // -0 and 0 are one class
  }
  table.labels.reserve(values.size());
  for (double value : values) table.labels.push_back(classes.at(value));
  return table;
}

LabelTable encode_text_labels(const std::vector<std::string>& texts) {
  std::map<std::string, int> classes;
  for (const auto& text : texts) classes.emplace(std::string(trim(text)), 0);

  LabelTable table;
  for (auto& [name, index] : classes) {
    index = static_cast<int>(table.names.size());
    table.names.push_back(name);
  }
  table.labels.reserve(texts.size());
  for (const auto& text : texts) table.labels.push_back(classes.at(std::string(trim(text))));
  return table;
}

}  // namespace

LabelTable encode_labels(const std::vector<std::string>& texts) {
  std::vector<double> values;
  values.reserve(texts.size());
  for (const auto& text : texts) {
    const ParsedCell cell = parse_cell(text);
    if (cell.kind != CellKind::number) return encode_text_labels(texts);
    values.push_back(cell.value);
  }
  return encode_numeric_labels(values);
}

void check_test_labels_seen(const Dataset& dataset, const Split& split) {
  std::vector<bool> seen(dataset.class_count(), false);
  for (std::size_t row : split.train) seen.at(static_cast<std::size_t>(dataset.labels.at(row))) = true;

  for (std::size_t row : split.test) {
    const auto label = static_cast<std::size_t>(dataset.labels.at(row));
    if (seen.at(label)) continue;

    std::string where = split.name.empty() ? "the split" : split.name;
    std::string row_text = "row " + std::to_string(row + 1);
    if (row < dataset.source_lines.size()) {
      row_text = dataset.source + ", line " + std::to_string(dataset.source_lines[row]);
    }
    throw InputError("class '" + dataset.label_names.at(label) + "' occurs in the test part of " + where +
                     " (first at " + row_text +
                     ") but never in its training part, so no model can learn it; use fewer folds, a "
                     "smaller test fraction, or remove the rare class from the data");
  }
}

}  // namespace nclab
