#pragma once
// Class labels of any spelling ("0"/"1", "1".."K", "-1"/"+1", "3"/"7"/"9", "yes"/"no") mapped to the
// class indices 0..K-1 through a sorted table.

#include <string>
#include <vector>

#include "framework/data/dataset.hpp"

namespace nclab {

struct LabelTable {
  // Sorted class names: numerically when every label is a number, otherwise as strings. Numeric names
  // are written in their shortest form, so "+1", "1.0" and " 1 " all become the class "1".
  std::vector<std::string> names;
  std::vector<int> labels;  // one class index per input label, in input order
};

// Builds the table for a column of labels (trimmed, none missing).
LabelTable encode_labels(const std::vector<std::string>& texts);

// Throws InputError when a class occurs in the test part of `split` but not in its training part,
// naming the class, the split (split.name) and the first test row with it.
void check_test_labels_seen(const Dataset& dataset, const Split& split);

}  // namespace nclab
