#pragma once
// Helpers shared by the result store tests: temporary folders, exact record comparison and running
// /usr/bin/python3 with h5py.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "framework/results/run_record.hpp"
#include "tests/framework/results/hdf5_dump.hpp"

namespace nclab::test {

// A fresh folder under the system temporary folder, removed with its contents on destruction.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("nclab-results-test-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryFolder() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Bitwise equality, so NaN equals NaN and 0.0 differs from -0.0.
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

inline void expect_same_matrix(const Matrix& expected, const Matrix& actual, const std::string& label) {
  EXPECT_EQ(expected.rows(), actual.rows()) << label;
  EXPECT_EQ(expected.cols(), actual.cols()) << label;
  EXPECT_TRUE(same_bits(expected.storage(), actual.storage())) << label << " values differ";
}

inline void expect_same_record(const RunRecord& expected, const RunRecord& actual) {
  EXPECT_EQ(expected.run_id, actual.run_id);
  EXPECT_EQ(expected.run_index, actual.run_index);
  EXPECT_EQ(expected.point_id, actual.point_id);
  EXPECT_EQ(expected.fold, actual.fold);
  EXPECT_EQ(expected.seed, actual.seed);
  EXPECT_EQ(expected.settings, actual.settings);
  EXPECT_EQ(expected.status, actual.status);
  EXPECT_EQ(expected.message, actual.message);
  EXPECT_EQ(expected.diverged_epoch, actual.diverged_epoch);
  EXPECT_EQ(expected.stored_epoch, actual.stored_epoch);
  EXPECT_EQ(expected.epochs_completed, actual.epochs_completed);
  EXPECT_TRUE(same_bits({expected.coefficient_lambda}, {actual.coefficient_lambda}));
  EXPECT_TRUE(same_bits({expected.coefficient_gamma}, {actual.coefficient_gamma}));
  EXPECT_TRUE(same_bits({expected.train_seconds}, {actual.train_seconds}));

  const EpochMetrics& e = expected.metrics;
  const EpochMetrics& a = actual.metrics;
  expect_same_matrix(e.train_loss, a.train_loss, "train_loss");
  expect_same_matrix(e.test_loss, a.test_loss, "test_loss");
  expect_same_matrix(e.train_error_rate, a.train_error_rate, "train_error_rate");
  expect_same_matrix(e.test_error_rate, a.test_error_rate, "test_error_rate");
  expect_same_matrix(e.train_mse, a.train_mse, "train_mse");
  expect_same_matrix(e.test_mse, a.test_mse, "test_mse");
  expect_same_matrix(e.train_nrmse, a.train_nrmse, "train_nrmse");
  expect_same_matrix(e.test_nrmse, a.test_nrmse, "test_nrmse");
  EXPECT_TRUE(same_bits(e.train_ambiguity, a.train_ambiguity)) << "train_ambiguity";
  EXPECT_TRUE(same_bits(e.test_ambiguity, a.test_ambiguity)) << "test_ambiguity";
  EXPECT_TRUE(same_bits(e.validation_loss, a.validation_loss)) << "validation_loss";
  EXPECT_TRUE(same_bits(e.coefficient, a.coefficient)) << "coefficient";
  EXPECT_EQ(e.active_member, a.active_member);

  expect_same_matrix(expected.train_correlation, actual.train_correlation, "train_correlation");
  expect_same_matrix(expected.test_correlation, actual.test_correlation, "test_correlation");

  ASSERT_EQ(expected.final_parameters.size(), actual.final_parameters.size());
  for (std::size_t m = 0; m < expected.final_parameters.size(); ++m) {
    const MemberParameters& em = expected.final_parameters[m];
    const MemberParameters& am = actual.final_parameters[m];
    EXPECT_TRUE(same_bits(em.parameters, am.parameters)) << "parameters of member " << m;
    ASSERT_EQ(em.layout.size(), am.layout.size()) << "layers of member " << m;
    for (std::size_t l = 0; l < em.layout.size(); ++l) {
      EXPECT_EQ(em.layout[l].name, am.layout[l].name);
      EXPECT_EQ(em.layout[l].weight_offset, am.layout[l].weight_offset);
      EXPECT_EQ(em.layout[l].rows, am.layout[l].rows);
      EXPECT_EQ(em.layout[l].cols, am.layout[l].cols);
      EXPECT_EQ(em.layout[l].bias_offset, am.layout[l].bias_offset);
      EXPECT_EQ(em.layout[l].bias_size, am.layout[l].bias_size);
      EXPECT_EQ(em.layout[l].activation, am.layout[l].activation);
    }
  }

  ASSERT_EQ(expected.snapshots.size(), actual.snapshots.size());
  for (std::size_t s = 0; s < expected.snapshots.size(); ++s) {
    EXPECT_EQ(expected.snapshots[s].epoch, actual.snapshots[s].epoch);
    ASSERT_EQ(expected.snapshots[s].members.size(), actual.snapshots[s].members.size());
    for (std::size_t m = 0; m < expected.snapshots[s].members.size(); ++m) {
      EXPECT_TRUE(same_bits(expected.snapshots[s].members[m], actual.snapshots[s].members[m]))
          << "snapshot " << s << " member " << m;
    }
  }

  ASSERT_EQ(expected.test_outputs.size(), actual.test_outputs.size());
  for (std::size_t m = 0; m < expected.test_outputs.size(); ++m) {
    expect_same_matrix(expected.test_outputs[m], actual.test_outputs[m], "test_outputs of member " + std::to_string(m));
  }
  EXPECT_EQ(expected.label_names, actual.label_names);
  EXPECT_TRUE(same_bits(expected.standardizer_mean, actual.standardizer_mean)) << "standardizer_mean";
  EXPECT_TRUE(same_bits(expected.standardizer_scale, actual.standardizer_scale)) << "standardizer_scale";
}

inline const char* kPython = "/usr/bin/python3";

inline bool python_has_h5py() {
  static const bool available = [] {
    if (::access(kPython, X_OK) != 0) return false;
    const std::string command = std::string(kPython) + " -c 'import h5py, numpy' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
  }();
  return available;
}

struct CommandResult {
  int exit_status = -1;
  std::string output;  // standard output
};

// Runs a shell command and captures its standard output.
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string test_source_dir() { return NCLAB_TEST_SOURCE_DIR; }

// Dumps a file through h5py with dump_hdf5.py. Check python_has_h5py() first.
inline Hdf5Dump dump_with_h5py(const std::filesystem::path& file, const std::string& group = "/") {
  const std::string script = test_source_dir() + "/tests/framework/results/dump_hdf5.py";
  const CommandResult result = run_command(std::string(kPython) + " " + shell_quote(script) + " " +
                                           shell_quote(file.string()) + " " + shell_quote(group) + " 2>&1");
  Hdf5Dump dump;
  if (result.exit_status != 0) {
    ADD_FAILURE() << "h5py could not read " << file << ":\n" << result.output;
    return dump;
  }
  std::istringstream lines(result.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) dump[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return dump;
}

// Reports the first keys where two dumps differ, or nothing when they are equal.
inline std::string dump_difference(const Hdf5Dump& expected, const Hdf5Dump& actual) {
  std::string difference;
  int reported = 0;
  for (const auto& [key, value] : expected) {
    const auto found = actual.find(key);
    if (found == actual.end()) {
      difference += "missing: " + key + "\n";
    } else if (found->second != value) {
      difference += "differs: " + key + "\n  expected " + value.substr(0, 200) + "\n  actual   " +
                    found->second.substr(0, 200) + "\n";
    } else {
      continue;
    }
    if (++reported == 5) return difference;
  }
  for (const auto& [key, value] : actual) {
    if (!expected.contains(key)) {
      difference += "unexpected: " + key + "\n";
      if (++reported == 5) return difference;
    }
  }
  return difference;
}

}  // namespace nclab::test
