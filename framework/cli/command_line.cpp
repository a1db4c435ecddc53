#include "framework/cli/command_line.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "framework/cli/suggest.hpp"
#include "framework/cli/value_list.hpp"
#include "framework/core/error.hpp"
#include "framework/model/registry.hpp"

namespace po = boost::program_options;

namespace nclab {

namespace {

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\n'\"\\$`*?[]{}();|&<>") == std::string::npos) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

bool looks_like_negative_number(const std::string& word) {
  return word.size() >= 2 && word[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(word[1])) || word[1] == '.');
}

// Joins "--lambda -0.5" into "--lambda=-0.5": Boost would read "-0.5" as a short option.
std::vector<std::string> join_negative_values(const std::vector<std::string>& args) {
  std::vector<std::string> joined;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word.rfind("--", 0) == 0 && word.find('=') == std::string::npos && i + 1 < args.size() &&
        looks_like_negative_number(args[i + 1])) {
      joined.push_back(word + "=" + args[i + 1]);
      ++i;
    } else {
      joined.push_back(word);
    }
  }
  return joined;
}

std::vector<std::string> option_names(const std::vector<OptionSpec>& table) {
  std::vector<std::string> names;
  for (const auto& spec : table) names.push_back(spec.name);
  names.push_back("help");
  return names;
}

std::string strip_dashes(std::string name) {
  while (!name.empty() && name.front() == '-') name.erase(name.begin());
  const auto equals = name.find('=');
  if (equals != std::string::npos) name.erase(equals);
  return name;
}

[[noreturn]] void throw_unknown(const std::string& raw_name, const std::string& where,
                                const std::vector<OptionSpec>& table) {
  const std::string name = strip_dashes(raw_name);
  std::string message = "unknown option '--" + name + "'" + where;
  const std::string suggestion = closest_name(name, option_names(table));
  if (!suggestion.empty()) {
    message += ": did you mean '--" + suggestion + "'?";
  } else {
    message += ": run `nclab train --help` for the list of options";
  }
  throw InputError(message);
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Checks the lines of an INI file given by --config before Boost.Program_options parses it, so that
// each error names the line. Boost reads a `[section]` header as a prefix and turns `lambda` below it
// into an option named `section.lambda`. nclab's INI files have no sections, so a header is an error.
// A comment starts at '#' anywhere in a line, as in Boost's parser.
struct ConfigEntry {
  std::string key;
  std::string value;
  std::string where;  // "config file 'PATH', line N"
};

std::vector<ConfigEntry> check_config_lines(std::istream& file, const std::string& path, const std::string& command,
                                            const std::vector<OptionSpec>& table) {
  std::vector<ConfigEntry> entries;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) {
      throw InputError("config file '" + path + "' starts with a UTF-8 byte order mark, which would become part of "
                       "the first key: save the file as UTF-8 without a byte order mark");
    }
    const std::string content = trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    const std::string where = "config file '" + path + "', line " + std::to_string(number);
    if (content.front() == '[') {
      throw InputError(where + ": section header '" + content +
                       "' is not supported. nclab's INI files have no sections: remove the header and write "
                       "each option at the top level as `name = value`");
    }
    const auto equals = content.find('=');
    if (equals == std::string::npos) {
      throw InputError(where + ": '" + content + "' is not an option line: write `name = value`, e.g. "
                       "`epochs = 100`");
    }
    const std::string key = trim(content.substr(0, equals));
    if (key == "config" || key == "help") {
      throw InputError(where + ": '" + key + "' works only on the command line: remove it from the file");
    }
    if (find_option(table, key) != nullptr) {
      entries.push_back({key, trim(content.substr(equals + 1)), where});
      continue;
    }
    std::string message = "unknown key '" + key + "' in " + where;
    const std::string suggestion = closest_name(key, option_names(table));
    message += suggestion.empty() ? ": run `nclab " + command + " --help` for the list of options"
                                  : ": did you mean '" + suggestion + "'?";
    throw InputError(message);
  }
  return entries;
}

po::options_description make_description(const std::vector<OptionSpec>& table) {
  po::options_description description;
  description.add_options()("help,h", "show this help");
  for (const auto& spec : table) {
    if (spec.kind == OptionKind::flag) {
      description.add_options()(spec.name.c_str(), po::value<std::string>()->implicit_value("true"), "");
    } else if (spec.name == "plugin") {
      description.add_options()(spec.name.c_str(), po::value<std::vector<std::string>>()->composing(), "");
    } else {
      description.add_options()(spec.name.c_str(), po::value<std::string>(), "");
    }
  }
  return description;
}

std::string canonical_flag(const std::string& name, const std::string& text, const std::string& where) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return "true";
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return "false";
  throw InputError("invalid value '" + text + "' for --" + name + where + ": expected true or false");
}

void check_value(const OptionSpec& spec, const std::string& text, bool allow_lists) {
  if (spec.kind == OptionKind::flag || spec.kind == OptionKind::text) {
    if (!allow_lists && spec.run_setting && text.find(',') != std::string::npos && spec.name != "data" &&
        spec.name != "test-data") {
      throw InputError("--" + spec.name + "=" + text +
                       " lists several values: `nclab train` runs one configuration, use `nclab sweep`");
    }
    return;
  }
  const bool numeric = spec.kind == OptionKind::number || spec.kind == OptionKind::integer;
  std::vector<std::string> values;
  try {
    values = expand_values(spec.name, text, numeric);
  } catch (const InputError& error) {
    // The list parser's message suggests "a number such as 0.5", which is wrong for a whole number.
    if (spec.kind != OptionKind::integer || std::string(error.what()).find("such as 0.5") == std::string::npos) throw;
    throw InputError("invalid value '" + text + "' for --" + spec.name + ": expected a whole number");
  }
  if (!allow_lists && values.size() > 1) {
    throw InputError("--" + spec.name + "=" + text +
                     " lists several values: `nclab train` runs one configuration, use `nclab sweep`");
  }
  if (values.size() > 1 && !spec.run_setting) {
    throw InputError("--" + spec.name + " takes one value, got '" + text + "'");
  }
  for (const auto& value : values) {
    if (spec.kind == OptionKind::choice) {
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        std::string message = "invalid value '" + value + "' for --" + spec.name + ": expected one of " + list;
        const std::string suggestion = closest_name(value, spec.choices);
        if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
        throw InputError(message);
      }
      continue;
    }
    const double number = parse_number(spec.name, value);
    if (spec.kind == OptionKind::integer && number != std::floor(number)) {
      throw InputError("invalid value '" + value + "' for --" + spec.name + ": expected a whole number");
    }
    const bool below = spec.min_exclusive ? number <= spec.min_value : number < spec.min_value;
    if (below || number > spec.max_value) {
      throw InputError("--" + spec.name + "=" + value + " is outside its bounds " + (spec.min_exclusive ? "(" : "[") +
                       format_number(spec.min_value) + ", " + format_number(spec.max_value) +
                       (std::isfinite(spec.max_value) ? "]" : ")"));
    }
  }
}

std::vector<std::string> values_of(const OptionSpec* spec, const std::string& text) {
  if (spec == nullptr) return {text};
  const bool numeric = spec->kind == OptionKind::number || spec->kind == OptionKind::integer;
  if (spec->kind == OptionKind::flag) return {text};
  return expand_values(spec->name, text, numeric);
}

// An option the user gave that applies to none of the chosen methods, models, schedules or datasets
// would be silently ignored; reject it instead.
void check_applicability(const ParsedOptions& parsed, const std::vector<OptionSpec>& table) {
  for (const auto& spec : table) {
    if (!parsed.given.count(spec.name) || spec.applies_when.empty()) continue;
    for (const auto& [key, allowed] : spec.applies_when) {
      const std::vector<std::string> chosen = values_of(find_option(table, key), parsed.get(key));
      const bool any = std::any_of(chosen.begin(), chosen.end(), [&](const std::string& v) {
        return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
      });
      if (!any) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw InputError("--" + spec.name + " does not apply to --" + key + "=" + parsed.get(key) +
                         ": it applies only to --" + key + " " + list + ". Remove --" + spec.name +
                         " or change --" + key);
      }
    }
  }
}

// An unknown model would otherwise surface as "--hidden does not apply to --model=NAME", which hides
// the real mistake; ModelRegistry::find names every known model.
void check_model_names(const ParsedOptions& parsed, const std::vector<OptionSpec>& table) {
  const OptionSpec* spec = find_option(table, "model");
  if (spec == nullptr) return;
  const ModelRegistry& registry = ModelRegistry::instance();
  for (const auto& name : values_of(spec, parsed.get("model"))) {
    try {
      registry.find(name);
    } catch (const InputError& error) {
      const std::string suggestion = closest_name(name, registry.names());
      if (suggestion.empty()) throw;
      throw InputError(std::string(error.what()) + ". Did you mean '" + suggestion + "'?");
    }
  }
}

}  // namespace

const std::string& ParsedOptions::get(const std::string& name) const {
  const auto it = values.find(name);
  if (it == values.end()) throw std::logic_error("option '" + name + "' is not in the option table");
  return it->second;
}

bool option_applies(const OptionSpec& spec, const std::map<std::string, std::string>& settings) {
  for (const auto& [key, allowed] : spec.applies_when) {
    const auto it = settings.find(key);
    if (it == settings.end()) return false;
    if (std::find(allowed.begin(), allowed.end(), it->second) == allowed.end()) return false;
  }
  return true;
}

namespace {

// Returns the text of a config file, or null when it cannot be read. The plugin prescan and the parse
// both read it. A pipe (--config /dev/stdin, --config <(...)) gives its text only once, so the text
// of anything but a regular file is kept for the rest of the process.
const std::string* config_text(const std::string& path) {
  static std::map<std::string, std::string> texts;
  const bool regular = std::filesystem::is_regular_file(path);
  const auto cached = texts.find(path);
  if (!regular && cached != texts.end()) return &cached->second;
  std::ifstream file(path);
  if (!file) return nullptr;
  std::ostringstream text;
  text << file.rdbuf();
  texts[path] = text.str();
  return &texts[path];
}

}  // namespace

std::vector<std::string> prescan_plugins(const std::vector<std::string>& args) {
  std::vector<std::string> plugins;
  std::string config;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    for (const std::string name : {"--plugin", "--config"}) {
      std::string value;
      if (word == name && i + 1 < args.size()) {
        value = args[i + 1];
      } else if (word.rfind(name + "=", 0) == 0) {
        value = word.substr(name.size() + 1);
      } else {
        continue;
      }
      (name == "--plugin" ? plugins.push_back(value) : void(config = value));
    }
  }
  const std::string* text = config.empty() || std::filesystem::is_directory(config) ? nullptr : config_text(config);
  if (text != nullptr) {
    std::istringstream file(*text);
    std::string line;
    while (std::getline(file, line)) {
      const auto equals = line.find('=');
      if (equals == std::string::npos) continue;
      std::string key = line.substr(0, equals);
      key.erase(std::remove_if(key.begin(), key.end(), ::isspace), key.end());
      if (key != "plugin") continue;
      std::string value = line.substr(equals + 1);
      const auto first = value.find_first_not_of(" \t");
      const auto last = value.find_last_not_of(" \t\r");
      if (first != std::string::npos) plugins.push_back(value.substr(first, last - first + 1));
    }
  }
  return plugins;
}

ParsedOptions parse_training_options(const std::string& command, const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& table, bool allow_lists) {
  ParsedOptions parsed;
  parsed.command_line = "nclab " + command;
  for (const auto& word : args) parsed.command_line += " " + shell_quote(word);

  const po::options_description description = make_description(table);
  po::variables_map variables;
  const std::vector<std::string> words = join_negative_values(args);
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::parsed_options from_cli = po::command_line_parser(words).options(description).style(style).run();
    for (const auto& option : from_cli.options) {
      if (option.position_key >= 0) {
        throw InputError("unexpected argument '" + option.value.front() + "' for `nclab " + command +
                         "`: options start with --, e.g. --data FILE");
      }
    }
    po::store(from_cli, variables);
  } catch (const po::unknown_option& error) {
    throw_unknown(error.get_option_name(), "", table);
  } catch (const po::error& error) {
    throw InputError(std::string(error.what()) + " (run `nclab " + command + " --help`)");
  }
  if (variables.count("config")) {
    const std::string path = variables["config"].as<std::string>();
    // An ifstream opens a folder without error and reads nothing from it, which silently ran with no
    // config at all.
    if (std::filesystem::is_directory(path)) {
      throw InputError("--config '" + path + "' is a folder: give the path of an INI file, e.g. --config " +
                       (std::filesystem::path(path) / "sweep.ini").string());
    }
    const std::string* text = config_text(path);
    if (text == nullptr) {
      throw InputError("cannot read the config file '" + path + "' given by --config: check the path");
    }
    std::istringstream file(*text);
    // Every value in the file is checked here, with its line, also when the command line overrides it.
    for (const ConfigEntry& entry : check_config_lines(file, path, command, table)) {
      const OptionSpec& spec = *find_option(table, entry.key);
      if (spec.name == "plugin") continue;
      try {
        if (spec.kind == OptionKind::flag) {
          canonical_flag(spec.name, entry.value, "");
        } else if (!entry.value.empty()) {
          check_value(spec, entry.value, allow_lists);
        }
      } catch (const InputError& error) {
        throw InputError(entry.where + ": " + error.what());
      }
    }
    file.clear();
    file.seekg(0);
    try {
      po::store(po::parse_config_file(file, description, false), variables);
    } catch (const po::error& error) {
      throw InputError("config file '" + path + "': " + error.what());
    }
  }
  parsed.help = variables.count("help") > 0;

  std::ostringstream config;
  for (const auto& spec : table) {
    const std::string where = "";
    if (spec.name == "plugin") {
      if (variables.count("plugin")) parsed.plugins = variables["plugin"].as<std::vector<std::string>>();
      parsed.values[spec.name] = "";
      for (const auto& p : parsed.plugins) config << "plugin = " << p << "\n";
      continue;
    }
    std::string value = spec.kind == OptionKind::flag ? "false" : spec.default_value;
    if (variables.count(spec.name)) {
      parsed.given.insert(spec.name);
      value = variables[spec.name].as<std::string>();
      if (spec.kind == OptionKind::flag) value = canonical_flag(spec.name, value, where);
    }
    parsed.values[spec.name] = value;
    if (!value.empty()) config << spec.name << " = " << value << "\n";
  }
  parsed.config_text = config.str();
  if (parsed.help) return parsed;

  for (const auto& spec : table) check_value(spec, parsed.values[spec.name], allow_lists);
  check_model_names(parsed, table);
  check_applicability(parsed, table);
  return parsed;
}

std::string training_help(const std::string& command, const std::vector<OptionSpec>& table) {
  std::ostringstream out;
  out << "Usage: nclab " << command << " --data FILE|builtin:NAME [options]\n";
  if (command == "sweep") {
    out << "Run settings take a list (--lambda 0,0.25,0.5) or a range (--lambda 0:1:0.25, both ends\n"
           "included; --seeds 1:5 steps by 1). Every combination runs once.\n";
  } else {
    out << "Trains one configuration, one ensemble per fold, and prints train and test errors.\n";
  }
  std::string group;
  for (const auto& spec : table) {
    if (spec.group != group) {
      group = spec.group;
      out << "\n" << group << ":\n";
    }
    std::string left = "  --" + spec.name;
    if (spec.kind != OptionKind::flag) left += spec.kind == OptionKind::choice ? " CHOICE" : " VALUE";
    out << left;
    // The description starts in column 28, on the next line when the option leaves no gap before it.
    if (left.size() + 2 <= 28) {
      out << std::string(28 - left.size(), ' ');
    } else {
      out << "\n" << std::string(28, ' ');
    }
    out << spec.help;
    std::vector<std::string> facts;
    if (spec.kind == OptionKind::choice) {
      std::string list;
      for (const auto& c : spec.choices) list += (list.empty() ? "" : "|") + c;
      facts.push_back(list);
    }
    if (!spec.unit.empty()) facts.push_back("unit: " + spec.unit);
    if ((spec.kind == OptionKind::number || spec.kind == OptionKind::integer) &&
        (std::isfinite(spec.min_value) || std::isfinite(spec.max_value))) {
      const std::string lo = std::isfinite(spec.min_value) ? format_number(spec.min_value) : "-inf";
      const std::string hi = std::isfinite(spec.max_value) ? format_number(spec.max_value) : "inf";
      const std::string close = std::isfinite(spec.max_value) ? "]" : ")";
      facts.push_back(std::string("bounds: ") + (spec.min_exclusive || !std::isfinite(spec.min_value) ? "(" : "[") + lo +
                      ", " + hi + close);
    }
    if (!spec.default_value.empty()) facts.push_back("default: " + spec.default_value);
    for (const auto& [key, allowed] : spec.applies_when) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ",") + a;
      facts.push_back("only with --" + key + " " + list);
    }
    if (!facts.empty()) {
      out << "\n" << std::string(28, ' ') << "(";
      for (std::size_t i = 0; i < facts.size(); ++i) out << (i ? "; " : "") << facts[i];
      out << ")";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace nclab
