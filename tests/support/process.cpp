#include "tests/support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace nclab::e2e {

namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path make_temporary_folder(const std::string& name) {
  std::random_device device;
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("e2e-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
  std::filesystem::create_directories(path);
  return path;
}

int open_for_output(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  return fd;
}

// environ with the given variables replaced or added, as "NAME=VALUE" strings.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& [override_name, value] : overrides) replaced = replaced || override_name == name;
    if (!replaced) entries.push_back(text);
  }
  for (const auto& [name, value] : overrides) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& texts) {
  std::vector<char*> pointers;
  for (std::string& text : texts) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::string ProcessResult::describe() const {
  std::string text = signal != 0 ? "ended by signal " + std::to_string(signal) : "exit status " + std::to_string(exit_status);
  if (timed_out) text += " (timed out)";
  return text + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  output_folder_ = make_temporary_folder("process");
  const int out_fd = open_for_output(output_folder_ / "stdout");
  const int err_fd = open_for_output(output_folder_ / "stderr");
  const int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  // Everything the child needs is built before fork: between fork and exec only async-signal-safe
  // calls are allowed, because the test process may run other threads.
  std::vector<std::string> arguments = argv;
  std::vector<std::string> environment = child_environment(options.environment);
  std::vector<char*> argument_pointers = pointers_to(arguments);
  std::vector<char*> environment_pointers = pointers_to(environment);
  const std::string folder = options.working_directory.string();

  start_ = Clock::now();
  if (options.timeout) deadline_ = start_ + *options.timeout;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    if (!folder.empty() && ::chdir(folder.c_str()) != 0) ::_exit(126);
    ::execve(argument_pointers[0], argument_pointers.data(), environment_pointers.data());
    ::_exit(127);
  }
  const int fork_error = errno;
  ::close(out_fd);
  ::close(err_fd);
  if (in_fd >= 0) ::close(in_fd);
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(fork_error));
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  std::error_code error;
  std::filesystem::remove_all(output_folder_, error);
}

bool ChildProcess::reap(bool block) {
  if (reaped_) return true;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (done != pid_) return false;
  reaped_ = true;
  wait_status_ = status;
  seconds_ = std::chrono::duration<double>(Clock::now() - start_).count();
  return true;
}

bool ChildProcess::finished() { return reap(false); }

void ChildProcess::send_signal(int signal) {
  if (!reaped_) ::kill(pid_, signal);
}

ProcessResult ChildProcess::wait() {
  while (!reap(false)) {
    if (deadline_ && Clock::now() >= *deadline_) {
      ::kill(pid_, SIGKILL);
      timed_out_ = true;
      reap(true);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ProcessResult result;
  if (WIFEXITED(wait_status_)) result.exit_status = WEXITSTATUS(wait_status_);
  if (WIFSIGNALED(wait_status_)) result.signal = WTERMSIG(wait_status_);
  result.timed_out = timed_out_;
  result.seconds = seconds_;
  result.out = read_file_text(output_folder_ / "stdout");
  result.err = read_file_text(output_folder_ / "stderr");
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ChildProcess child(argv, options);
  return child.wait();
}

std::filesystem::path nclab_binary() {
  const char* path = std::getenv("NCLAB_BINARY");
  if (path != nullptr && *path != '\0') return path;
  return std::filesystem::path(NCLAB_TEST_BINARY_DIR) / "nclab";
}

ProcessResult run_nclab(const std::vector<std::string>& args, ProcessOptions options) {
  std::vector<std::string> argv = {nclab_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!options.timeout) options.timeout = std::chrono::seconds(120);
  return run_process(argv, options);
}

ScratchFolder::ScratchFolder(const std::string& name) : path_(make_temporary_folder(name)) {}

ScratchFolder::~ScratchFolder() {
  const char* keep = std::getenv("NCLAB_KEEP_TEST_FILES");
  if (keep != nullptr && std::string(keep) == "1") return;
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

std::filesystem::path ScratchFolder::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream stream(file, std::ios::binary);
  stream << text;
  if (!stream) throw std::runtime_error("cannot write " + file.string());
  return file;
}

std::string read_file_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

bool long_tests_requested() {
  const char* value = std::getenv("NCLAB_LONG_TESTS");
  return value != nullptr && std::string(value) == "1";
}

std::filesystem::path data_folder() {
  const char* value = std::getenv("NCLAB_DATA_DIR");
  if (value == nullptr || *value == '\0' || !std::filesystem::is_directory(value)) return {};
  return value;
}

}  // namespace nclab::e2e
