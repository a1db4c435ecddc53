#include "framework/model/registry.hpp"

#include <cmath>
#include <sstream>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

// Formats an option value: whole numbers without a decimal point, others with up to 12 digits.
std::string format_value(double value) {
  std::ostringstream out;
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
    out << static_cast<long long>(value);
  } else {
    out.precision(12);
    out << value;
  }
  return out.str();
}

std::string join(const std::vector<std::string>& items) {
  std::string result;
  for (const std::string& item : items) {
    if (!result.empty()) result += ", ";
    result += item;
  }
  return result;
}

std::string option_range(const ModelOption& option) {
  return std::string(option.integer ? "an integer" : "a number") + " from " + format_value(option.min_value) +
         " to " + format_value(option.max_value);
}

// Throws InputError unless `value` is finite, within the option's bounds and, for integer options,
// whole.
void check_option_value(const std::string& model, const ModelOption& option, double value) {
  const std::string prefix = "model '" + model + "': option '" + option.name + "' = " + format_value(value);
  const std::string fix = "; set " + option.name + " to " + option_range(option);
  if (!std::isfinite(value)) throw InputError(prefix + " is not a finite number" + fix);
  if (value < option.min_value) throw InputError(prefix + " is below the minimum " + format_value(option.min_value) + fix);
  if (value > option.max_value) throw InputError(prefix + " is above the maximum " + format_value(option.max_value) + fix);
  if (option.integer && value != std::trunc(value)) throw InputError(prefix + " is not an integer" + fix);
}

// Throws InputError when an entry cannot be registered: no name, no factory, or an option whose
// bounds or default are inconsistent.
void validate_entry(const ModelEntry& entry) {
  if (entry.name.empty()) throw InputError("a model entry has an empty name; give every model a name");
  if (!entry.create) throw InputError("model '" + entry.name + "' has no create function");
  for (std::size_t i = 0; i < entry.options.size(); ++i) {
    const ModelOption& option = entry.options[i];
    if (option.name.empty()) throw InputError("model '" + entry.name + "' declares an option with an empty name");
    for (std::size_t j = 0; j < i; ++j) {
      if (entry.options[j].name == option.name) {
        throw InputError("model '" + entry.name + "' declares option '" + option.name + "' twice");
      }
    }
    if (!(option.min_value <= option.max_value)) {
      throw InputError("model '" + entry.name + "': option '" + option.name + "' has minimum " +
                       format_value(option.min_value) + " above its maximum " + format_value(option.max_value));
    }
    check_option_value(entry.name, option, option.default_value);
  }
}

}  // namespace

double ModelConfig::option(const std::string& name) const {
  const auto found = options.find(name);
  if (found == options.end()) {
    throw RuntimeFailure("model option '" + name + "' is not in the configuration; declare it in the model's ModelEntry::options");
  }
  return found->second;
}

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry;
  return registry;
}

void ModelRegistry::add(ModelEntry entry) {
  validate_entry(entry);
  if (entries_.contains(entry.name)) {
    throw InputError("model '" + entry.name + "' is already registered; each model needs a unique name");
  }
  std::string name = entry.name;
  entries_.emplace(std::move(name), std::move(entry));
}

const ModelEntry& ModelRegistry::find(const std::string& name) const {
  const auto found = entries_.find(name);
  if (found == entries_.end()) {
    const std::vector<std::string> known = names();
    throw InputError("unknown model '" + name + "'; known models: " + (known.empty() ? "none" : join(known)) +
                     ". A model from a shared library needs --plugin PATH, also on --resume");
  }
  return found->second;
}

bool ModelRegistry::contains(const std::string& name) const { return entries_.contains(name); }

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> result;
  result.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) result.push_back(name);
  return result;
}

ModelConfig ModelRegistry::make_config(const std::string& name, std::size_t inputs, std::size_t outputs,
                                       Activation output_activation,
                                       const std::map<std::string, double>& options) const {
  const ModelEntry& entry = find(name);
  if (inputs == 0) throw InputError("model '" + name + "' needs at least 1 input, got 0");
  if (outputs == 0) throw InputError("model '" + name + "' needs at least 1 output, got 0");
  if (entry.reconstructs_input && outputs != inputs) {
    throw InputError("model '" + name + "' reconstructs its input, so its outputs must equal its inputs; got " +
                     std::to_string(outputs) + " outputs for " + std::to_string(inputs) + " inputs");
  }

  ModelConfig config;
  config.inputs = inputs;
  config.outputs = outputs;
  config.output_activation = output_activation;

  for (const auto& [option_name, value] : options) {
    const ModelOption* declared = nullptr;
    for (const ModelOption& option : entry.options) {
      if (option.name == option_name) declared = &option;
    }
    if (declared == nullptr) {
      std::vector<std::string> valid;
      for (const ModelOption& option : entry.options) valid.push_back(option.name);
      throw InputError("model '" + name + "' has no option '" + option_name + "' (value " + format_value(value) +
                       "); " + (valid.empty() ? "it takes no options" : "its options are: " + join(valid)));
    }
    check_option_value(name, *declared, value);
    config.options[option_name] = value;
  }
  for (const ModelOption& option : entry.options) config.options.try_emplace(option.name, option.default_value);
  return config;
}

std::unique_ptr<Model> ModelRegistry::create(const std::string& name, const ModelConfig& config) const {
  const ModelEntry& entry = find(name);
  std::unique_ptr<Model> model = entry.create(config);
  if (!model) throw RuntimeFailure("model '" + name + "': the create function returned no model");
  if (model->input_size() != config.inputs || model->output_size() != config.outputs) {
    throw RuntimeFailure("model '" + name + "' was built with " + std::to_string(model->input_size()) + " inputs and " +
                         std::to_string(model->output_size()) + " outputs, but the configuration asks for " +
                         std::to_string(config.inputs) + " and " + std::to_string(config.outputs));
  }
  return model;
}

}  // namespace nclab
