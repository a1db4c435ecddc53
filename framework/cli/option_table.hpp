#pragma once
// Declaration of every option of `nclab train` and `nclab sweep`: type, default, bounds, unit, help,
// and which methods and models it applies to. The parser, the help text, the INI reader, the grid
// expansion and the "does not apply" check all read this one table.

#include <map>
#include <string>
#include <vector>

namespace nclab {

enum class OptionKind { number, integer, choice, text, flag };

struct OptionSpec {
  std::string name;  // long name without dashes
  OptionKind kind = OptionKind::text;
  std::string default_value;  // "" when the option has no default
  double min_value = 0;       // bounds for number and integer options
  double max_value = 0;
  bool min_exclusive = false;  // the value must be above min_value, not equal to it
  std::vector<std::string> choices;  // for choice options
  std::string unit;                  // shown in --help, e.g. "epochs"
  std::string help;
  // A setting of the run: may take a list or range, is stored with every run and enters its run id.
  bool run_setting = false;
  // The option applies only where every named option takes one of the listed values, for example
  // {"method": ["ncl", "decorrelated"]} for lambda. Empty means it always applies.
  std::map<std::string, std::vector<std::string>> applies_when;
  std::string group;  // heading in --help
};

// The built-in table plus one entry per model option declared in the model registry (so plugins
// loaded before the call contribute their options).
std::vector<OptionSpec> training_options();

const OptionSpec* find_option(const std::vector<OptionSpec>& table, const std::string& name);

}  // namespace nclab
