// Splitting comma-separated text into cells (declared in text_table.hpp).

#include <string>

#include "framework/core/error.hpp"
#include "framework/data/cell.hpp"
#include "framework/data/text_table.hpp"

namespace nclab {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

}  // namespace

TextTable split_comma_separated(std::string_view content, const std::string& path) {
  TextTable table;
  table.path = path;
  if (content.starts_with(utf8_byte_order_mark)) content.remove_prefix(utf8_byte_order_mark.size());

  const std::size_t n = content.size();
  std::size_t pos = 0;
  std::size_t line = 1;
  std::size_t record_line = 1;
  std::vector<std::string> record;
  // A record that is one empty unquoted field is a blank line, which takes no row.
  bool record_has_content = false;

  while (true) {
    std::string field;
    while (pos < n && is_blank(content[pos])) ++pos;

    if (pos < n && content[pos] == '"') {
      // A quoted field runs to the next lone quote. "" is a literal quote, and line breaks are kept.
      const std::size_t open_line = line;
      const std::size_t column = record.size() + 1;
      record_has_content = true;
      ++pos;
      while (true) {
        if (pos >= n) {
          throw InputError(cell_location(path, open_line, column) +
                           ": the quoted field is never closed; add the closing quote (\"), and write a "
                           "quote inside a quoted field as \"\"");
        }
        const char c = content[pos];
        if (c == '"') {
          if (pos + 1 < n && content[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        if (c == '\n') ++line;
        field += c;
        ++pos;
      }
      while (pos < n && is_blank(content[pos])) ++pos;
      if (pos < n && content[pos] != ',' && content[pos] != '\n') {
        throw InputError(cell_location(path, line, column) + ": unexpected character '" +
                         std::string(1, content[pos]) +
                         "' after the closing quote; put the whole field inside the quotes");
      }
    } else {
      const std::size_t start = pos;
      while (pos < n && content[pos] != ',' && content[pos] != '\n') ++pos;
      field = std::string(trim(content.substr(start, pos - start)));
      if (!field.empty()) record_has_content = true;
    }
    record.push_back(std::move(field));

    if (pos < n && content[pos] == ',') {
      ++pos;
      continue;
    }

    // End of the record: a line break or the end of the text.
    if (record_has_content || record.size() > 1) {
      table.rows.push_back(std::move(record));
      table.lines.push_back(record_line);
    }
    record.clear();
    record_has_content = false;
    if (pos >= n) break;
    ++pos;
    ++line;
    record_line = line;
  }
  return table;
}

}  // namespace nclab
