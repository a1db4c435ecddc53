#include <iostream>

#include "framework/cli/commands.hpp"
#include "framework/core/error.hpp"
#include "framework/results/inspect.hpp"

namespace nclab {

int run_inspect_command(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "Usage: nclab inspect FILE.h5\n"
                 "Prints one row per grid point of a results file: runs complete, the mean and standard\n"
                 "deviation of the ensemble's test error over folds and seeds, the mean member test error,\n"
                 "the mean test ambiguity and the mean test error correlation.\n";
    return 0;
  }
  if (args.size() != 1 || args[0].rfind("--", 0) == 0) {
    throw InputError("`nclab inspect` takes one results file: nclab inspect FILE.h5");
  }
  print_inspect_report(inspect_results(args[0]), std::cout);
  return 0;
}

}  // namespace nclab
