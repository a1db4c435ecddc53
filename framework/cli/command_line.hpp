#pragma once
// Parses the options of `nclab train` and `nclab sweep` against the option table and checks every value.
// Options come from the command line and an optional INI file (--config), and the command line wins.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "framework/cli/option_table.hpp"

namespace nclab {

struct ParsedOptions {
  // Option name -> text as written, or the default for options not given. Flags hold "true"/"false".
  std::map<std::string, std::string> values;
  // Options the user wrote on the command line or in the INI file.
  std::set<std::string> given;
  std::vector<std::string> plugins;
  std::string command_line;  // the whole argv, shell-quoted
  std::string config_text;   // the effective configuration as INI lines, one per option
  bool help = false;

  const std::string& get(const std::string& name) const;
  bool flag(const std::string& name) const { return get(name) == "true"; }
};

// Returns the --plugin paths of argv, and of the --config file when argv names one, without checking
// anything else, so that plugins can register their options before the full parse.
std::vector<std::string> prescan_plugins(const std::vector<std::string>& args);

// Parses args (the words after the command name). `allow_lists` is false for `train`, which takes one
// value per option. Throws InputError for unknown options (suggesting the closest name), repeated
// options, values outside the bounds, unknown choices, and options that do not apply to any chosen
// method, model, schedule or dataset.
ParsedOptions parse_training_options(const std::string& command, const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& table, bool allow_lists);

// The --help text: every option with its unit, default and bounds, grouped.
std::string training_help(const std::string& command, const std::vector<OptionSpec>& table);

// True when `spec` applies under the given option values (each a single value).
bool option_applies(const OptionSpec& spec, const std::map<std::string, std::string>& settings);

}  // namespace nclab
