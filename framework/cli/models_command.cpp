#include <iostream>

#include "framework/cli/commands.hpp"
#include "framework/cli/value_list.hpp"
#include "framework/core/error.hpp"
#include "framework/model/registry.hpp"

namespace nclab {

int run_models_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin" && i + 1 < args.size()) {
      load_model_plugin(args[++i]);
    } else if (args[i].rfind("--plugin=", 0) == 0) {
      load_model_plugin(args[i].substr(9));
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::cout << "Usage: nclab models [--plugin PATH]...\nLists every registered model with its options.\n";
      return 0;
    } else {
      throw InputError("unknown argument '" + args[i] + "' for `nclab models`: it takes only --plugin PATH");
    }
  }
  for (const auto& [name, entry] : ModelRegistry::instance().entries()) {
    std::cout << name << "  " << entry.description << "\n";
    for (const auto& option : entry.options) {
      std::cout << "    --" << option.name << "  " << option.help << " (default " << format_number(option.default_value)
                << ", bounds [" << format_number(option.min_value) << ", " << format_number(option.max_value)
                << "]" << (option.integer ? ", integer" : "") << ")\n";
    }
  }
  return 0;
}

}  // namespace nclab
