#include "framework/data/text_table.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "framework/core/error.hpp"

namespace nclab {

std::string cell_location(const std::string& path, std::size_t line, std::size_t column) {
  return path + ", line " + std::to_string(line) + ", column " + std::to_string(column);
}

TextTable split_whitespace_separated(std::string_view content, const std::string& path) {
  TextTable table;
  table.path = path;
  std::size_t line = 0;
  while (!content.empty()) {
    ++line;
    const std::size_t end = content.find('\n');
    std::string_view text = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);

    std::vector<std::string> cells;
    std::size_t pos = 0;
    while (true) {
      pos = text.find_first_not_of(" \t\r\v\f", pos);
      if (pos == std::string_view::npos) break;
      const std::size_t stop = std::min(text.find_first_of(" \t\r\v\f", pos), text.size());
      cells.emplace_back(text.substr(pos, stop - pos));
      pos = stop;
    }
    if (cells.empty()) continue;
    table.rows.push_back(std::move(cells));
    table.lines.push_back(line);
  }
  return table;
}

FileFormat detect_file_format(std::string_view content, const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") return FileFormat::comma_separated;

  while (!content.empty()) {
    const std::size_t end = content.find('\n');
    const std::string_view line = content.substr(0, end);
    if (line.find_first_not_of(" \t\r\v\f") != std::string_view::npos) {
      return line.find(',') != std::string_view::npos ? FileFormat::comma_separated
                                                      : FileFormat::whitespace_separated;
    }
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
  }
  return FileFormat::whitespace_separated;
}

std::string read_file_content(const std::string& path) {
  std::error_code status_error;
  const auto status = std::filesystem::status(path, status_error);
  if (!std::filesystem::exists(status)) {
    throw InputError("data file not found: '" + path +
                     "'; check the path, or use builtin:NAME for a generated dataset");
  }
  if (std::filesystem::is_directory(status)) {
    throw InputError("'" + path + "' is a directory, not a data file; give the path of the file itself");
  }

  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw InputError("cannot open data file '" + path + "': " + std::strerror(errno) +
                     "; check its permissions");
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  if (stream.bad()) {
    throw InputError("failed to read data file '" + path + "': " + std::strerror(errno));
  }
  return buffer.str();
}

TextTable read_text_table(const std::string& path, FileFormat format) {
  const std::string content = read_file_content(path);
  if (format == FileFormat::automatic) format = detect_file_format(content, path);
  if (format == FileFormat::comma_separated) return split_comma_separated(content, path);
  return split_whitespace_separated(content, path);
}

}  // namespace nclab
