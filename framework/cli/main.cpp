// nclab: ensembles of neural networks trained with negative correlation learning and Rosen's
// decorrelation penalty. Dispatches to the subcommands and maps errors to exit statuses.

#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "framework/cli/commands.hpp"
#include "framework/cli/suggest.hpp"
#include "framework/core/blas_core.hpp"
#include "framework/core/error.hpp"
#include "framework/results/hdf5.hpp"

namespace {

const char* kUsage =
    "Usage: nclab COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  train    train one configuration (one ensemble per fold) and print its errors\n"
    "  sweep    run every combination of the listed settings and store them in an HDF5 file\n"
    "  inspect  print one row per grid point of a results file\n"
    "  models   list the registered models and their options\n"
    "\n"
    "Run `nclab COMMAND --help` for the options of a command; `nclab --version` prints the version.\n";

}  // namespace

int main(int argc, char** argv) {
  nclab::use_better_blas_core();
  nclab::hdf5::skip_library_cleanup_at_exit();
  // A write past the file size limit (`ulimit -f`) then fails with EFBIG, which the result store
  // reports, instead of SIGXFSZ killing the process without a message.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    std::cout << kUsage;
    return words.empty() ? 2 : 0;
  }
  const std::string command = words[0];
  const std::vector<std::string> args(words.begin() + 1, words.end());
  try {
    if (command == "--version" || command == "version") {
      if (!args.empty()) {
        std::cerr << "nclab " << command << ": error: unexpected argument '" << args[0]
                  << "': --version takes no options\n";
        return 2;
      }
      std::cout << nclab::version_text();
      return 0;
    }
    if (command == "models") return nclab::run_models_command(args);
    if (command == "train" || command == "sweep") return nclab::run_training_command(command, args);
    if (command == "inspect") return nclab::run_inspect_command(args);
    const std::string suggestion = nclab::closest_name(command, {"train", "sweep", "inspect", "models"});
    std::cerr << "nclab: unknown command '" << command << "'"
              << (suggestion.empty() ? "" : ": did you mean '" + suggestion + "'?") << "\n\n" << kUsage;
    return 2;
  } catch (const nclab::InputError& error) {
    std::cerr << "nclab " << command << ": error: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "nclab " << command << ": failed: " << error.what() << "\n";
    return 1;
  }
}
