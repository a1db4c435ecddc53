#include "framework/data/builtin.hpp"

#include <cmath>
#include <functional>

#include "framework/core/error.hpp"
#include "framework/data/generators.hpp"

namespace nclab {
namespace {

// Guards against typos in --samples and --bits rather than limits of the generators.
constexpr std::size_t max_samples = 10'000'000;
constexpr std::size_t max_parity_bits = 20;

struct BuiltinEntry {
  BuiltinDataset info;
  std::function<Dataset(const GeneratorOptions&)> generate;
  std::vector<std::string> parameters;  // generator options the dataset uses, as CLI option names
  Task native_task = Task::regression;
  bool converts_to_regression = false;  // numeric class labels can become regression targets
};

const std::vector<BuiltinEntry>& builtin_entries() {
  static const std::vector<BuiltinEntry> entries = {
      {.info = {"friedman1", "Friedman #1 regression: 10 uniform inputs, 5 of them relevant, normal noise"},
       .generate = generate_friedman1,
       .parameters = {"--samples", "--noise"}},
      {.info = {"mackey-glass",
                "Mackey-Glass chaotic series (tau 17): predict x(t+horizon) from x(t-18), x(t-12), x(t-6) "
                "and x(t), with a predefined 500/500 split"},
       .generate = generate_mackey_glass,
       .parameters = {"--horizon"}},
      {.info = {"parity", "n-bit parity: every pattern of n bits, class 1 when the number of ones is odd"},
       .generate = generate_parity,
       .parameters = {"--bits"},
       .native_task = Task::classification,
       .converts_to_regression = true},
      {.info = {"sine", "y = sin(x) + normal noise, x uniform on [-pi, pi]"},
       .generate = generate_sine,
       .parameters = {"--samples", "--noise"}},
  };
  return entries;
}

std::string known_names() {
  std::string names;
  for (const auto& entry : builtin_entries()) names += (names.empty() ? "" : ", ") + entry.info.name;
  return names;
}

bool uses(const BuiltinEntry& entry, const std::string& parameter) {
  for (const auto& name : entry.parameters) {
    if (name == parameter) return true;
  }
  return false;
}

void check_parameters(const BuiltinEntry& entry, const LoadOptions& options) {
  const std::string dataset = std::string(builtin_prefix) + entry.info.name;
  if (!options.target.empty()) {
    throw InputError(dataset + " has a fixed target, so --target '" + options.target +
                     "' cannot apply; remove --target");
  }

  const GeneratorOptions& generator = options.generator;
  const std::pair<std::string, bool> set_parameters[] = {
      {"--samples", generator.samples.has_value()},
      {"--noise", generator.noise.has_value()},
      {"--horizon", generator.horizon.has_value()},
      {"--bits", generator.bits.has_value()},
  };
  for (const auto& [parameter, is_set] : set_parameters) {
    if (!is_set || uses(entry, parameter)) continue;
    std::string used;
    for (const auto& name : entry.parameters) used += (used.empty() ? "" : ", ") + name;
    throw InputError(dataset + " does not use " + parameter + "; remove it. This dataset takes: " + used);
  }

  if (generator.samples && (*generator.samples < 1 || *generator.samples > max_samples)) {
    throw InputError("invalid --samples " + std::to_string(*generator.samples) + " for " + dataset +
                     ": give a count from 1 to " + std::to_string(max_samples));
  }
  if (generator.noise && !(std::isfinite(*generator.noise) && *generator.noise >= 0.0)) {
    throw InputError("invalid --noise " + std::to_string(*generator.noise) + " for " + dataset +
                     ": give a standard deviation of 0 or more");
  }
  if (generator.bits && (*generator.bits < 1 || *generator.bits > max_parity_bits)) {
    throw InputError("invalid --bits " + std::to_string(*generator.bits) + " for " + dataset +
                     ": give a number of bits from 1 to " + std::to_string(max_parity_bits));
  }
}

// Turns numeric class labels into one regression target column with the label values.
void convert_to_regression(Dataset& dataset) {
  dataset.targets.resize(dataset.labels.size(), 1);
  for (std::size_t row = 0; row < dataset.labels.size(); ++row) {
    const auto& name = dataset.label_names.at(static_cast<std::size_t>(dataset.labels[row]));
    dataset.targets(row, 0) = std::stod(name);
  }
  dataset.labels.clear();
  dataset.label_names.clear();
  dataset.task = Task::regression;
}

}  // namespace

const std::vector<BuiltinDataset>& builtin_datasets() {
  static const std::vector<BuiltinDataset> datasets = [] {
    std::vector<BuiltinDataset> list;
    for (const auto& entry : builtin_entries()) list.push_back(entry.info);
    return list;
  }();
  return datasets;
}

Dataset generate_builtin(const std::string& name, const LoadOptions& options) {
  for (const auto& entry : builtin_entries()) {
    if (entry.info.name != name) continue;
    check_parameters(entry, options);

    Dataset dataset = entry.generate(options.generator);
    const Task task = options.task.value_or(entry.native_task);
    if (task == dataset.task) return dataset;
    if (task == Task::regression && entry.converts_to_regression) {
      convert_to_regression(dataset);
      return dataset;
    }
    throw InputError(dataset.source + " is a " + to_string(entry.native_task) +
                     " dataset and cannot be used for " + to_string(task) + "; remove --task " +
                     to_string(task));
  }
  throw InputError("unknown built-in dataset '" + name + "'; the known ones are: " + known_names() +
                   " (give them as builtin:NAME)");
}

}  // namespace nclab
