// Invalid input through the nclab binary: every case exits with status 2 and a message that names the
// value and the fix, and no failing command damages a results file that already exists.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <utility>

#include "tests/support/process.hpp"
#include "tests/support/sweep_commands.hpp"

namespace nclab::e2e {
namespace {

struct BadCommand {
  std::string name;
  std::vector<std::string> args;
  std::vector<std::string> message_parts;  // each must occur in stderr
};

void expect_rejected(const BadCommand& command) {
  SCOPED_TRACE(command.name);
  const ProcessResult result = run_nclab(command.args);
  EXPECT_EQ(result.exit_status, 2) << result.describe();
  for (const std::string& part : command.message_parts) {
    EXPECT_NE(result.err.find(part), std::string::npos) << "stderr lacks '" << part << "':\n" << result.err;
  }
  EXPECT_EQ(result.out, "") << "a rejected command printed results";
}

std::vector<std::string> train(const std::vector<std::string>& extra) {
  return with({"train", "--data", "builtin:mackey-glass", "--epochs", "1", "--hidden", "2"}, extra);
}

TEST(BadOptions, ExitTwoWithValueAndFix) {
  ScratchFolder folder("bad-options");
  const std::string existing = folder.write("existing.h5", "not touched").string();
  const std::string sectioned = folder.write("sectioned.ini", "epochs = 1\n[train]\nlambda = 0.3\n").string();
  const std::string regression_csv =
      folder.write("regression.csv", "x1,x2,price\n0.1,2,24.5\n0.4,1,21.6\n0.9,3,34.7\n0.2,5,33.4\n"
                                     "0.7,4,36.2\n0.5,2,28.7\n").string();
  const std::vector<BadCommand> commands = {
      {"misspelled option", train({"--lamda", "0.5"}), {"unknown option '--lamda'", "did you mean '--lambda'?"}},
      {"option of another method", train({"--method", "ncl", "--indicator", "previous"}),
       {"--indicator does not apply to --method=ncl", "decorrelated", "Remove --indicator"}},
      {"negative lambda with equals sign", train({"--method", "ncl", "--lambda=-0.5"}),
       {"--lambda -0.5 is invalid", ">= 0"}},
      {"negative lambda as separate word", train({"--method", "ncl", "--lambda", "-0.5"}),
       {"--lambda -0.5 is invalid", ">= 0"}},
      {"lambda above the ncl bound", train({"--method", "ncl", "--lambda", "1.5"}),
       {"--lambda 1.5", "bound 1", "[0, 1]", "--allow-unstable"}},
      {"gamma above M/(2M-2)", train({"--method", "ncl-exact", "--members", "3", "--gamma", "0.8"}),
       {"--gamma 0.8", "M / (2M - 2) = 0.75 for M = 3", "--allow-unstable"}},
      {"unknown model",
       train({"--model", "resnet"}),
       {"unknown model 'resnet'", "autoencoder", "mlp", "perceptron", "--plugin PATH"}},
      {"misspelt model", train({"--model", "mpl"}), {"unknown model 'mpl'", "Did you mean 'mlp'?"}},
      {"missing data file", {"train", "--data", (folder / "absent.csv").string()},
       {(folder / "absent.csv").string(), "not found"}},
      {"out in a missing folder",
       train({"--out", (folder / "no-such-folder" / "r.h5").string()}),
       {(folder / "no-such-folder").string(), "does not exist", "--out"}},
      {"existing out without overwrite or resume", train({"--out", existing}),
       {existing, "already exists", "--resume", "--overwrite"}},
      {"train with a list", train({"--method", "ncl", "--lambda", "0,0.5"}), {"--lambda=0,0.5", "nclab sweep"}},
      {"train with a range", train({"--method", "ncl", "--lambda", "0:1:0.5"}), {"--lambda=0:1:0.5", "nclab sweep"}},
      {"unknown command", {"trian", "--data", "builtin:sine"}, {"unknown command 'trian'", "did you mean 'train'?"}},
      {"sweep without out", {"sweep", "--data", "builtin:sine", "--epochs", "1"}, {"--out FILE"}},
      {"resume without out", train({"--resume"}), {"--resume", "--out"}},
      {"value out of the option's bounds", train({"--momentum", "1.5"}), {"--momentum=1.5", "bounds [0, "}},
      {"unknown choice", train({"--method", "ncl-exakt"}), {"'ncl-exakt'", "did you mean 'ncl-exact'?"}},
      {"resume and overwrite together", train({"--out", existing, "--resume", "--overwrite"}),
       {"--resume and --overwrite"}},
      {"config file with a section header", train({"--config", sectioned}),
       {"config file '" + sectioned + "', line 2", "section header '[train]'", "no sections", "top level"}},
      {"softmax output on builtin regression data", train({"--output", "softmax"}),
       {"--output softmax cannot fit a regression target", "every output is 1", "--output identity"}},
      {"softmax output on a regression CSV",
       {"train", "--data", regression_csv, "--target", "price", "--test-fraction", "0.34", "--epochs", "1",
        "--output", "softmax"},
       {"--output softmax cannot fit a regression target", "--output identity", "--task classification"}},
      {"softmax among swept outputs on regression data",
       {"sweep", "--data", "builtin:mackey-glass", "--epochs", "1", "--hidden", "2", "--output", "identity,softmax",
        "--out", (folder / "softmax-sweep.h5").string()},
       {"--output softmax cannot fit a regression target"}},
  };
  for (const BadCommand& command : commands) expect_rejected(command);
  EXPECT_EQ(read_file_text(existing), "not touched");
  EXPECT_FALSE(std::filesystem::exists(folder / "softmax-sweep.h5")) << "a rejected sweep created its --out file";
}

TEST(BadOptions, RepeatedListValueWarns) {
  // A repeated value is not an error: each distinct run trains once, and a warning names the repeat.
  ScratchFolder folder("repeated-value");
  const ProcessResult result =
      run_nclab({"sweep", "--data", "builtin:sine", "--test-fraction", "0.25", "--epochs", "1", "--method", "ncl",
                 "--lambda", "0.5,0.5,0.2", "--progress", "never", "--out", (folder / "sweep.h5").string()});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.err.find("warning a value is listed more than once"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(": 1 repeated runs are skipped"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("2 runs"), std::string::npos) << result.out;
}

TEST(BadDataFiles, ExitTwoNamingFileLineColumn) {
  ScratchFolder folder("bad-data");
  struct BadFile {
    std::string name;
    std::string text;
    std::vector<std::string> extra_args;
    std::vector<std::string> message_parts;  // after the file path
  };
  const std::vector<BadFile> files = {
      {"short.csv", "1,2,0\n3,4,1\n5,1\n", {}, {"line 3, column 3", "expected 3 columns"}},
      {"text.csv", "1,2,0\n3,abc,1\n", {}, {"line 2, column 2", "'abc'"}},
      {"empty.csv", "", {}, {"empty"}},
      {"nan.csv", "1,2,0\nNaN,4,1\n", {}, {"line 2, column 1", "NaN"}},
      {"target.csv", "1,2,0\n3,4,1\n", {"--target", "5"}, {"--target 5", "out of range"}},
      {"missing.csv", "1,2,0\n?,4,1\n5,6,0\n", {}, {"line 2, column 1", "--missing"}},
  };
  for (const BadFile& file : files) {
    const std::string path = folder.write(file.name, file.text).string();
    std::vector<std::string> parts = {path};
    parts.insert(parts.end(), file.message_parts.begin(), file.message_parts.end());
    expect_rejected({file.name, with({"train", "--data", path, "--epochs", "1"}, file.extra_args), parts});
  }
}

// A results file that exists must survive every failing command that names it, with or without
// --overwrite and --resume.
TEST(BadOptions, FailingCommandsKeepExistingResults) {
  ScratchFolder folder("keep-results");
  const auto results = folder / "results.h5";
  expect_sweep_succeeds(with(small_sweep_options(), {"--method", "ncl", "--lambda", "0,0.5", "--out", results.string()}));
  const std::string before = read_file_text(results);
  ASSERT_FALSE(before.empty());
  const std::string bad_data = folder.write("bad.csv", "1,2,0\n3,x,1\n").string();

  const std::string out = results.string();
  const std::vector<BadCommand> commands = {
      {"no overwrite", with({"sweep"}, with(small_sweep_options(), {"--out", out})), {"already exists"}},
      {"overwrite with a misspelled option",
       with({"sweep"}, with(small_sweep_options(), {"--out", out, "--overwrite", "--lamda", "0.5"})), {"--lambda"}},
      {"overwrite with a bad data file",
       {"sweep", "--data", bad_data, "--epochs", "1", "--out", out, "--overwrite"}, {bad_data, "line 2, column 2"}},
      {"overwrite with an unstable lambda",
       with({"sweep"}, with(small_sweep_options(), {"--out", out, "--overwrite", "--method", "ncl", "--lambda", "2"})),
       {"--allow-unstable"}},
      {"overwrite with an unknown model",
       with({"sweep"}, with(small_sweep_options(), {"--out", out, "--overwrite", "--model", "resnet"})),
       {"unknown model"}},
      {"resume with a bad data file", {"sweep", "--data", bad_data, "--epochs", "1", "--out", out, "--resume"},
       {bad_data}},
      {"resume with another grid",
       with({"sweep"}, with(small_sweep_options(), {"--out", out, "--resume", "--method", "ncl", "--lambda", "0.25"})),
       {"cannot resume"}},
      {"train naming the file", with({"train"}, with(small_sweep_options(), {"--out", out})), {"already exists"}},
      {"overwrite with softmax on regression data",
       with({"sweep"}, with(small_sweep_options(), {"--out", out, "--overwrite", "--output", "softmax"})),
       {"--output softmax"}},
  };
  for (const BadCommand& command : commands) {
    expect_rejected(command);
    EXPECT_EQ(read_file_text(results), before) << command.name << " changed the results file";
    EXPECT_FALSE(std::filesystem::exists(folder / "results.h5.parts")) << command.name << " left a per-run folder";
  }
  // The untouched file still resumes: every run is stored, so nothing runs again.
  const ProcessResult resumed = run_nclab(
      with({"sweep"}, with(small_sweep_options(), {"--method", "ncl", "--lambda", "0,0.5", "--out", out, "--resume"})));
  EXPECT_EQ(resumed.exit_status, 0) << resumed.describe();
  EXPECT_NE(resumed.out.find("6 runs: 6 stored before"), std::string::npos) << resumed.out;
}

// --resume on a file that is not a results file: one clear message without the HDF5 error stack, and
// the file stays as it was.
TEST(BadOptions, ResumeOnNonHdf5FileKeepsIt) {
  ScratchFolder folder("resume-not-hdf5");
  const std::string text = "x,y\n1,2\n";
  const std::vector<std::pair<std::string, std::string>> files = {{"notes.csv", text}, {"empty.h5", ""}};
  for (const auto& [name, contents] : files) {
    SCOPED_TRACE(name);
    const std::string path = folder.write(name, contents).string();
    const ProcessResult result =
        run_nclab(with({"sweep"}, with(small_sweep_options(), {"--out", path, "--resume"})));
    EXPECT_EQ(result.exit_status, 2) << result.describe();
    EXPECT_NE(result.err.find("results file '" + path + "' is"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("not an HDF5 file"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("`nclab sweep --out`"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("HDF5-DIAG"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("HDF5 error stack"), std::string::npos) << result.err;
    EXPECT_EQ(read_file_text(path), contents);
    EXPECT_FALSE(std::filesystem::exists(path + ".parts")) << "the rejected resume left a per-run folder";
  }
}

// Opening a FIFO for reading blocks until a writer appears, so --resume, --overwrite and inspect on a
// FIFO used to hang. They now stop at once with an input error.
TEST(BadOptions, FifoAsResultsFileIsRejected) {
  ScratchFolder folder("fifo-out");
  const std::string path = (folder.path() / "results.fifo").string();
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  ProcessOptions options;
  options.timeout = std::chrono::seconds(20);
  const std::vector<std::vector<std::string>> commands = {
      with({"sweep"}, with(small_sweep_options(), {"--out", path, "--resume"})),
      with({"sweep"}, with(small_sweep_options(), {"--out", path, "--overwrite"})),
      {"inspect", path},
  };
  for (const auto& command : commands) {
    SCOPED_TRACE(command[0] + " " + command.back());
    const ProcessResult result = run_nclab(command, options);
    EXPECT_EQ(result.exit_status, 2) << result.describe();
    EXPECT_NE(result.err.find("'" + path + "'"), std::string::npos) << result.err;
  }
  EXPECT_TRUE(std::filesystem::is_fifo(path)) << "the FIFO was replaced";
}

// A write past the file size limit used to end the process by SIGXFSZ without a message. nclab ignores
// the signal, so the failed write is reported as an error with exit status 1.
TEST(BadEnvironment, FileSizeLimitGivesAnError) {
  ScratchFolder folder("small-file-size-limit");
  const std::filesystem::path out = folder.path() / "limited.h5";
  std::string command = "ulimit -f 20; exec '" + nclab_binary().string() + "'";
  for (const char* arg : {"sweep", "--data", "builtin:mackey-glass", "--method", "ncl", "--lambda", "0:1:0.1",
                                 "--hidden", "2", "--epochs", "2", "--progress", "never", "--out"}) {
    command += " '" + std::string(arg) + "'";
  }
  command += " '" + out.string() + "'";
  const ProcessResult result = run_process({"/bin/sh", "-c", command});
  EXPECT_EQ(result.exit_status, 1) << result.describe();
  EXPECT_NE(result.err.find("File too large"), std::string::npos) << result.err;
}

// Under a file size limit (as on a nearly full disk) the consolidated file cannot be written. HDF5
// used to crash with SIGSEGV inside H5Ocopy. Now the sweep keeps its index form, logs a warning and
// exits 0, and every run stays readable.
TEST(BadEnvironment, FullDiskKeepsIndexForm) {
  ScratchFolder folder("file-size-limit");
  const std::filesystem::path out = folder.path() / "limited.h5";
  std::string command = "trap '' XFSZ; ulimit -f 150; exec '" + nclab_binary().string() + "'";
  for (const char* arg : {"sweep", "--data", "builtin:mackey-glass", "--method", "ncl", "--lambda", "0:1:0.1",
                                 "--seeds", "1:4", "--hidden", "2", "--epochs", "2", "--progress", "never", "--out"}) {
    command += " '" + std::string(arg) + "'";
  }
  command += " '" + out.string() + "'";
  const ProcessResult result = run_process({"/bin/sh", "-c", command});
  ASSERT_EQ(result.exit_status, 0) << result.describe();
  EXPECT_NE(result.err.find("stays in its index form"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("file size limit"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--resume"), std::string::npos) << result.err;

  const ProcessResult inspected = run_nclab({"inspect", out.string()});
  ASSERT_EQ(inspected.exit_status, 0) << inspected.describe();
  EXPECT_NE(inspected.out.find("index file, 44 of 44 runs stored"), std::string::npos) << inspected.out;
}

}  // namespace
}  // namespace nclab::e2e
