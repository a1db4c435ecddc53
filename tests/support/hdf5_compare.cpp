#include "tests/support/hdf5_compare.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <sstream>

#include "tests/framework/results/hdf5_dump.hpp"
#include "tests/support/process.hpp"

namespace nclab::e2e {

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Rewrites keys of a dump of `group` relative to it: "/runs/ID@status" -> "/@status",
// "/runs/ID/metrics" -> "/metrics".
std::map<std::string, std::string> relative_keys(const std::map<std::string, std::string>& dump,
                                                 const std::string& group) {
  if (group == "/") return dump;
  std::map<std::string, std::string> relative;
  for (const auto& [key, value] : dump) {
    if (key.rfind(group, 0) != 0) continue;
    std::string rest = key.substr(group.size());
    if (rest.empty() || rest.front() == '@') rest = "/" + rest;
    relative[rest] = value;
  }
  return relative;
}

bool is_ignored(const std::string& key, const Hdf5CompareOptions& options) {
  const auto at = key.find('@');
  if (at != std::string::npos) {
    const std::string attribute = key.substr(at + 1);
    for (const std::string& name : options.ignored_attributes) {
      if (attribute == name) return true;
    }
  }
  for (const std::string& object : options.ignored_objects) {
    if (key == object || key.rfind(object + "/", 0) == 0 || key.rfind(object + "@", 0) == 0) return true;
  }
  return false;
}

std::string shortened(const std::string& value) {
  return value.size() <= 160 ? value : value.substr(0, 160) + "...";
}

std::string values_part(const std::string& entry) {
  const auto first = entry.find('|');
  const auto second = first == std::string::npos ? std::string::npos : entry.find('|', first + 1);
  return second == std::string::npos ? std::string() : entry.substr(second + 1);
}

// Splits at commas and keeps empty items, so "61,,62" gives three.
std::vector<std::string> split_values(const std::string& values) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    const auto comma = values.find(',', start);
    items.push_back(values.substr(start, comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

}  // namespace

std::map<std::string, std::string> hdf5_contents(const std::filesystem::path& file, const std::string& group) {
  return relative_keys(nclab::test::dump_hdf5(file, group), group);
}

bool h5py_available() {
  static const bool available = [] {
    if (::access(kPython, X_OK) != 0) return false;
    return run_process({kPython, "-c", "import h5py, numpy"}).exit_status == 0;
  }();
  return available;
}

bool hdf5_contents_with_h5py(const std::filesystem::path& file, std::map<std::string, std::string>& contents,
                             std::string& error) {
  const std::string script = std::string(NCLAB_TEST_SOURCE_DIR) + "/tests/framework/results/dump_hdf5.py";
  ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  const ProcessResult result = run_process({kPython, script, file.string(), "/"}, options);
  if (result.exit_status != 0) {
    error = result.describe();
    return false;
  }
  contents.clear();
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) contents[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return true;
}

std::vector<std::string> contents_differences(const std::map<std::string, std::string>& a,
                                              const std::map<std::string, std::string>& b,
                                              const Hdf5CompareOptions& options, std::size_t max_lines) {
  std::vector<std::string> lines;
  for (const auto& [key, value] : a) {
    if (lines.size() >= max_lines) return lines;
    if (is_ignored(key, options)) continue;
    const auto found = b.find(key);
    if (found == b.end()) {
      lines.push_back("only in first: " + key);
    } else if (found->second != value) {
      lines.push_back("differs: " + key + "\n    first  " + shortened(value) + "\n    second " +
                      shortened(found->second));
    }
  }
  for (const auto& [key, value] : b) {
    if (lines.size() >= max_lines) return lines;
    if (!is_ignored(key, options) && !a.contains(key)) lines.push_back("only in second: " + key);
  }
  return lines;
}

std::vector<std::string> hdf5_differences(const std::filesystem::path& a, const std::filesystem::path& b,
                                          const Hdf5CompareOptions& options, const std::string& group_a,
                                          const std::string& group_b, std::size_t max_lines) {
  return contents_differences(hdf5_contents(a, group_a), hdf5_contents(b, group_b), options, max_lines);
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::vector<std::string> decode_strings(const std::string& entry) {
  std::vector<std::string> strings;
  for (const std::string& hex : split_values(values_part(entry))) {
    std::string text;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      text += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    strings.push_back(text);
  }
  return strings;
}

std::vector<double> decode_doubles(const std::string& entry) {
  std::vector<double> numbers;
  for (const std::string& hex : split_values(values_part(entry))) {
    const std::uint64_t bits = std::stoull(hex, nullptr, 16);
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    numbers.push_back(value);
  }
  return numbers;
}

std::vector<long long> decode_integers(const std::string& entry) {
  std::vector<long long> numbers;
  for (const std::string& text : split_values(values_part(entry))) numbers.push_back(std::stoll(text));
  return numbers;
}

std::vector<std::size_t> entry_shape(const std::string& entry) {
  const std::string shape = entry.substr(0, entry.find('|'));
  std::vector<std::size_t> dimensions;
  if (shape == "scalar") return dimensions;
  std::size_t start = 0;
  for (;;) {
    const auto x = shape.find('x', start);
    dimensions.push_back(std::stoull(shape.substr(start, x - start)));
    if (x == std::string::npos) return dimensions;
    start = x + 1;
  }
}

}  // namespace nclab::e2e
