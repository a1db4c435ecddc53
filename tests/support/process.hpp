#pragma once
// Runs real child processes for the end-to-end tests: fork/exec with standard output and standard
// error captured in files, an optional time limit, and SIGKILL at a moment the test chooses.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nclab::e2e {

struct ProcessResult {
  int exit_status = -1;  // the exit code, or -1 when a signal ended the process
  int signal = 0;        // the signal that ended the process, 0 when it exited
  bool timed_out = false;  // the time limit passed and the process was sent SIGKILL
  std::string out;       // standard output
  std::string err;       // standard error
  double seconds = 0;    // wall-clock time from start to exit

  // Exit status, signal and both streams, for failure messages.
  std::string describe() const;
};

struct ProcessOptions {
  std::filesystem::path working_directory;  // empty: the test's working folder
  std::optional<std::chrono::milliseconds> timeout;  // SIGKILL when it passes; none: wait forever
  // Variables set in the child on top of the test's environment.
  std::vector<std::pair<std::string, std::string>> environment;
};

// A started child process. The destructor kills and reaps a child that is still running.
class ChildProcess {
 public:
  // Starts argv[0] (a path, not searched in PATH) with standard input from /dev/null.
  ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True once the child has exited or was killed; reaps it.
  bool finished();
  // Sends `signal` to the child unless it has already been reaped.
  void send_signal(int signal);
  // Waits for the exit (up to the time limit of the options) and returns everything it printed.
  ProcessResult wait();

 private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::filesystem::path output_folder_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::chrono::steady_clock::time_point start_;
  bool reaped_ = false;
  bool timed_out_ = false;
  int wait_status_ = 0;
  double seconds_ = 0;
};

// Runs argv to completion.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The nclab executable under test: NCLAB_BINARY, else nclab in the build folder.
std::filesystem::path nclab_binary();

// Runs `nclab ARGS...` with a 120 s limit unless options set another.
ProcessResult run_nclab(const std::vector<std::string>& args, ProcessOptions options = {});

// A fresh folder e2e-NAME-PID-RANDOM under the system temporary folder, removed on destruction unless
// NCLAB_KEEP_TEST_FILES=1.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& name);
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `text` to NAME in the folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

std::string read_file_text(const std::filesystem::path& path);

// True when NCLAB_LONG_TESTS=1 requests the long variants.
bool long_tests_requested();

// The folder of the public datasets (NCLAB_DATA_DIR), or empty when it is unset or missing.
std::filesystem::path data_folder();

}  // namespace nclab::e2e
