#pragma once
// Splitting a data file into rows of text cells, before any cell is interpreted.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "framework/data/load_options.hpp"

namespace nclab {

// The cells of a file, row by row. Blank lines are skipped and take no row.
struct TextTable {
  std::string path;                            // for messages
  std::vector<std::vector<std::string>> rows;  // cells with quotes removed and blanks trimmed
  std::vector<std::size_t> lines;              // 1-based line on which each row starts
};

// Formats a position for messages: "data.csv, line 12, column 3". Columns count from 1.
std::string cell_location(const std::string& path, std::size_t line, std::size_t column);

// Splits comma-separated text. A field may be quoted, with "" for a quote inside it, and a quoted
// field may contain commas and line breaks. Spaces around a field are dropped, and CRLF line ends and a
// UTF-8 byte order mark are accepted. Throws InputError on an unterminated quote or on text after a
// closing quote.
TextTable split_comma_separated(std::string_view content, const std::string& path);

// Splits text whose cells are separated by runs of spaces or tabs. Quotes have no special meaning.
TextTable split_whitespace_separated(std::string_view content, const std::string& path);

// Picks the format for FileFormat::automatic: comma separated for a ".csv" name or when the first
// non-blank line contains a comma, otherwise whitespace separated.
FileFormat detect_file_format(std::string_view content, const std::string& path);

// Reads the whole file. Throws InputError when the path is missing, is not a regular file or cannot be
// read.
std::string read_file_content(const std::string& path);

// Reads and splits a file in the given format, detecting it when `format` is automatic.
TextTable read_text_table(const std::string& path, FileFormat format);

}  // namespace nclab
