// The informational commands of the nclab binary (models, --version, --help, inspect) and model
// plugins loaded with --plugin.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "framework/cli/option_table.hpp"
#include "nclab/version.hpp"
#include "tests/support/hdf5_compare.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::vector<std::string>> table_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    std::string cell;
    while (cells >> cell) row.push_back(cell);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string four_digits(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

TEST(Commands, ModelsListsBuiltInModels) {
  const ProcessResult result = run_nclab({"models"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  for (const std::string model : {"perceptron", "mlp", "autoencoder"}) {
    EXPECT_TRUE(contains(result.out, "\n" + model + "  ") || result.out.rfind(model + "  ", 0) == 0)
        << model << " is not listed:\n" << result.out;
  }
  EXPECT_TRUE(contains(result.out, "--hidden")) << result.out;
  EXPECT_TRUE(contains(result.out, "--code")) << result.out;
  EXPECT_FALSE(contains(result.out, "tanh-mlp")) << "a plugin model is listed without --plugin";
}

TEST(Commands, VersionNamesVersionAndLibraries) {
  const ProcessResult result = run_nclab({"--version"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_EQ(result.out.rfind(std::string("nclab ") + kVersion + " (commit " + kGitCommit + ")", 0), 0u) << result.out;
  EXPECT_TRUE(contains(result.out, "HDF5 ")) << result.out;
  EXPECT_TRUE(contains(result.out, "OpenBLAS")) << result.out;
}

TEST(Commands, ConfigFromPipeIsRead) {
  // The plugin prescan and the parse both read --config. A pipe gives its text once, so reading it
  // twice would leave the parse an empty file and the run would ignore the config.
  const ScratchFolder folder("config-pipe");
  const std::filesystem::path fifo = folder / "config.ini";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo);
    out << "data = builtin:sine\ntest-fraction = 0.25\nepochs = 3\nmembers = 2\n";
  });
  const ProcessResult result = run_nclab({"train", "--config", fifo.string(), "--log-level", "warning"});
  writer.join();
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "over 1 complete run")) << result.out;
}

TEST(Commands, NoArgumentsPrintsUsageAndExitsTwo) {
  const ProcessResult result = run_nclab({});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_TRUE(contains(result.out, "Usage: nclab COMMAND")) << result.out;
}

TEST(Commands, TrainHelpListsEveryOption) {
  const ProcessResult result = run_nclab({"train", "--help"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  const std::vector<std::string> built_in_models = {"perceptron", "mlp", "autoencoder"};
  std::size_t checked = 0;
  for (const OptionSpec& spec : training_options()) {
    // The test process may have loaded a plugin whose model options the binary does not know.
    const auto models = spec.applies_when.find("model");
    if (models != spec.applies_when.end() &&
        std::none_of(models->second.begin(), models->second.end(), [&](const std::string& model) {
          return std::find(built_in_models.begin(), built_in_models.end(), model) != built_in_models.end();
        })) {
      continue;
    }
    EXPECT_TRUE(contains(result.out, "  --" + spec.name + " ")) << "--help lacks --" << spec.name;
    ++checked;
  }
  EXPECT_GE(checked, 40u);
  // Descriptions start in column 28 after at least two spaces. A longer option (--validation-fraction
  // VALUE) stands alone on its line, and its description follows on the next.
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  --", 0) != 0 || line.size() <= 28) continue;
    const bool gap = line[26] == ' ' && line[27] == ' ' && line[28] != ' ';
    const std::size_t space = line.find(' ', 4);
    const std::string after = space == std::string::npos ? "" : line.substr(space + 1);
    const bool alone = space == std::string::npos || after == "VALUE" || after == "CHOICE";
    EXPECT_TRUE(gap || alone) << "help line without a column gap: " << line;
  }
  EXPECT_TRUE(contains(result.out, "bounds: [0, 0.999999]")) << "--momentum shows its bounds";
  EXPECT_TRUE(contains(result.out, "only with --method ncl,decorrelated")) << result.out;
}

TEST(Commands, SweepHelpExplainsLists) {
  const ProcessResult result = run_nclab({"sweep", "--help"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "0:1:0.25")) << result.out;
  EXPECT_TRUE(contains(result.out, "--resume")) << result.out;
}

// inspect prints one row per grid point, and each row's numbers are the means over that point's runs
// as stored in the file.
TEST(Commands, InspectRowsMatchFile) {
  ScratchFolder folder("inspect");
  const auto file = folder / "sweep.h5";
  expect_sweep_succeeds(with(small_sweep_options(), {"--method", "ncl", "--lambda", "0,0.5,1", "--out", file.string()}));
  const ProcessResult result = run_nclab({"inspect", file.string()});
  ASSERT_EQ(result.exit_status, 0) << result.describe();

  const std::vector<std::vector<std::string>> rows = table_rows(result.out);
  std::size_t header = rows.size();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].empty() && rows[r][0] == "point_id") header = r;
  }
  ASSERT_LT(header, rows.size()) << result.out;
  const std::vector<std::string>& columns = rows[header];
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
  };
  ASSERT_LT(column("lambda"), columns.size()) << "lambda tells the points apart:\n" << result.out;
  ASSERT_LT(column("ensemble_error_mean"), columns.size()) << result.out;
  ASSERT_EQ(rows.size(), header + 4) << "one row per lambda:\n" << result.out;

  const std::vector<StoredRun> runs = stored_runs(file);
  const auto contents = hdf5_contents(file);
  for (const std::string lambda : {"0", "0.5", "1"}) {
    std::vector<double> errors;
    std::string point_id;
    for (const StoredRun& run : runs) {
      if (run.settings.at("lambda") != lambda) continue;
      const std::vector<double> nrmse = decode_doubles(contents.at("/runs/" + run.run_id + "/metrics/test_nrmse"));
      errors.push_back(nrmse.back());  // the last epoch's ensemble column
      point_id = decode_strings(contents.at("/runs/" + run.run_id + "@point_id")).front();
    }
    ASSERT_EQ(errors.size(), 3u) << "three folds of lambda " << lambda;
    const double mean = (errors[0] + errors[1] + errors[2]) / 3.0;
    double squares = 0;
    for (double error : errors) squares += (error - mean) * (error - mean);
    const auto row = std::find_if(rows.begin() + static_cast<long>(header) + 1, rows.end(),
                                  [&](const auto& cells) { return !cells.empty() && cells[0] == point_id; });
    ASSERT_NE(row, rows.end()) << "no row for point " << point_id << ":\n" << result.out;
    EXPECT_EQ(row->at(column("lambda")), lambda);
    EXPECT_EQ(row->at(column("runs")), "3/3");
    EXPECT_EQ(row->at(column("ensemble_error_mean")), four_digits(mean));
    EXPECT_EQ(row->at(column("ensemble_error_std")), four_digits(std::sqrt(squares / 2.0)));
  }
}

TEST(Commands, InspectRejectsNonResultsFile) {
  ScratchFolder folder("inspect-bad");
  const std::string path = folder.write("plain.h5", "not an HDF5 file").string();
  const ProcessResult result = run_nclab({"inspect", path});
  EXPECT_EQ(result.exit_status, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, path)) << result.err;
}

// HDF5 prints its error stack to stderr unless that is switched off, and Hdf5Error::what() contains
// the stack too. Neither belongs in the message for a file that the user named by mistake.
TEST(Commands, InspectNamesNonHdf5FileWithoutErrorStack) {
  ScratchFolder folder("inspect-not-hdf5");
  const auto results = folder / "results.h5";
  expect_sweep_succeeds(with(small_sweep_options(), {"--out", results.string()}));
  const std::string whole = read_file_text(results);
  ASSERT_GT(whole.size(), 1000u);
  struct Case {
    std::string name;
    std::filesystem::path path;
    std::vector<std::string> message_parts;
  };
  const std::vector<Case> cases = {
      {"csv", folder.write("data.csv", "x1,x2,y\n0.1,2,24.5\n"), {"is not an HDF5 file", "`nclab sweep --out`"}},
      {"empty file", folder.write("empty.h5", ""), {"is empty, so it is not an HDF5 file"}},
      {"folder", folder / "results.h5.parts", {"is a folder"}},
      {"truncated results file", folder.write("truncated.h5", whole.substr(0, whole.size() / 2)),
       {"cannot open results file", "HDF5 reports", "truncated"}},
  };
  std::filesystem::create_directories(folder / "results.h5.parts");
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.name);
    const ProcessResult result = run_nclab({"inspect", bad.path.string()});
    EXPECT_EQ(result.exit_status, 2) << result.describe();
    EXPECT_TRUE(contains(result.err, "nclab inspect: error: ")) << result.err;
    EXPECT_TRUE(contains(result.err, "'" + bad.path.string() + "'")) << result.err;
    for (const std::string& part : bad.message_parts) EXPECT_TRUE(contains(result.err, part)) << result.err;
    EXPECT_FALSE(contains(result.err, "HDF5-DIAG")) << result.err;
    EXPECT_FALSE(contains(result.err, "HDF5 error stack")) << result.err;
    EXPECT_FALSE(contains(result.err, "#0:")) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST(Plugin, ModelsListsPluginModel) {
  const ProcessResult result = run_nclab({"models", "--plugin", NCLAB_TANH_MLP_PLUGIN_PATH});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "\ntanh-mlp  test plugin")) << result.out;
  EXPECT_TRUE(contains(result.out, "\nmlp  ")) << "built-in models stay listed:\n" << result.out;
}

TEST(Plugin, TrainsPluginModel) {
  const ProcessResult result =
      run_nclab({"train", "--plugin", NCLAB_TANH_MLP_PLUGIN_PATH, "--model", "tanh-mlp", "--hidden", "3", "--data",
                 "builtin:sine", "--test-fraction", "0.3", "--members", "2", "--method", "ncl", "--lambda", "0.5",
                 "--epochs", "5", "--log-level", "warning"});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  const std::vector<std::vector<std::string>> rows = table_rows(result.out);
  ASSERT_GE(rows.size(), 2u) << result.out;
  EXPECT_EQ(rows[0].front(), "run") << result.out;
  EXPECT_EQ(rows[1].at(1), "complete") << result.out;
  EXPECT_TRUE(contains(result.out, "over 1 complete run")) << result.out;
}

TEST(Plugin, PluginModelStoredInSweep) {
  ScratchFolder folder("plugin-sweep");
  const auto file = folder / "plugin.h5";
  expect_sweep_succeeds({"--plugin", NCLAB_TANH_MLP_PLUGIN_PATH, "--model", "tanh-mlp", "--hidden", "3,5", "--data",
                         "builtin:sine", "--test-fraction", "0.3", "--members", "2", "--epochs", "3", "--progress",
                         "never", "--log-level", "warning", "--out", file.string()});
  const std::vector<StoredRun> runs = stored_runs(file);
  ASSERT_EQ(runs.size(), 2u);
  for (const StoredRun& run : runs) {
    EXPECT_EQ(run.status, "complete");
    EXPECT_EQ(run.settings.at("model"), "tanh-mlp");
  }
}

TEST(Plugin, MissingPluginRejected) {
  ScratchFolder folder("plugin-missing");
  const std::string path = (folder / "absent.so").string();
  const ProcessResult result = run_nclab({"train", "--plugin", path, "--model", "tanh-mlp", "--data", "builtin:sine"});
  EXPECT_EQ(result.exit_status, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, path)) << result.err;
  EXPECT_TRUE(contains(result.err, "not found")) << result.err;
}

}  // namespace
}  // namespace nclab::e2e
