#include "tests/support/sweep_commands.hpp"

#include <sstream>
#include <stdexcept>

namespace nclab::e2e {

std::vector<std::string> small_sweep_options() {
  return {"--data", "builtin:mackey-glass", "--folds", "3", "--members", "3", "--hidden", "4",
          "--epochs", "3", "--progress", "never", "--log-level", "warning"};
}

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

ProcessResult expect_sweep_succeeds(const std::vector<std::string>& args, const ProcessOptions& options) {
  ProcessResult result = run_nclab(with({"sweep"}, args), options);
  EXPECT_EQ(result.exit_status, 0) << result.describe();
  return result;
}

std::vector<StoredRun> stored_runs(const std::filesystem::path& file) {
  const std::map<std::string, std::string> contents = hdf5_contents(file, "/grid");
  const auto entry = [&](const std::string& name) {
    const auto found = contents.find("/" + name);
    if (found == contents.end()) throw std::runtime_error(file.string() + " has no /grid/" + name);
    return decode_strings(found->second);
  };
  const std::vector<std::string> run_ids = entry("run_id");
  const std::vector<std::string> statuses = entry("status");
  const std::vector<std::string> names = entry("setting_names");
  const std::vector<std::string> settings = entry("settings");
  if (statuses.size() != run_ids.size() || settings.size() != run_ids.size() * names.size()) {
    throw std::runtime_error(file.string() + ": the /grid datasets have different lengths");
  }
  std::vector<StoredRun> runs;
  for (std::size_t r = 0; r < run_ids.size(); ++r) {
    StoredRun run{run_ids[r], statuses[r], {}};
    for (std::size_t c = 0; c < names.size(); ++c) {
      const std::string& value = settings[r * names.size() + c];
      if (!value.empty()) run.settings[names[c]] = value;
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

std::vector<std::string> configuration_lines(const std::filesystem::path& file) {
  const std::map<std::string, std::string> contents = hdf5_contents(file);
  const auto found = contents.find("/configuration");
  if (found == contents.end()) throw std::runtime_error(file.string() + " has no /configuration dataset");
  std::vector<std::string> lines;
  std::istringstream text(decode_strings(found->second).front());
  std::string line;
  while (std::getline(text, line)) lines.push_back(line);
  return lines;
}

}  // namespace nclab::e2e
