#pragma once
// The subcommands of the nclab executable. Each returns the process exit status: 0 on success, 1 when a
// run or the result store failed, 2 for invalid input (InputError, thrown to main).

#include <string>
#include <vector>

namespace nclab {

int run_models_command(const std::vector<std::string>& args);
int run_training_command(const std::string& command, const std::vector<std::string>& args);
int run_inspect_command(const std::vector<std::string>& args);
std::string version_text();

}  // namespace nclab
