#include <string>

#include "framework/data/generators.hpp"

namespace nclab {

Dataset generate_parity(const GeneratorOptions& options) {
  const std::size_t bits = options.bits.value_or(3);
  const std::size_t patterns = std::size_t{1} << bits;

  Dataset dataset;
  dataset.source = "builtin:parity";
  dataset.task = Task::classification;
  dataset.inputs.resize(patterns, bits);
  for (std::size_t i = 1; i <= bits; ++i) dataset.feature_names.push_back("bit" + std::to_string(i));
  dataset.target_names = {"parity"};
  dataset.label_names = {"0", "1"};
  dataset.labels.resize(patterns);

  // The inputs of pattern p are the binary digits of p, most significant bit first.
  for (std::size_t pattern = 0; pattern < patterns; ++pattern) {
    int ones = 0;
    for (std::size_t i = 0; i < bits; ++i) {
      const bool bit = (pattern >> (bits - 1 - i)) & 1U;
      dataset.inputs(pattern, i) = bit ? 1.0 : 0.0;
      ones += bit ? 1 : 0;
    }
    dataset.labels[pattern] = ones % 2;
  }
  return dataset;
}

}  // namespace nclab
