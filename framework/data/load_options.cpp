#include "framework/data/load_options.hpp"

#include "framework/core/error.hpp"

namespace nclab {

std::string to_string(HeaderMode mode) {
  switch (mode) {
    case HeaderMode::automatic:
      return "auto";
    case HeaderMode::present:
      return "present";
    case HeaderMode::absent:
      return "absent";
  }
  return "unknown";
}

HeaderMode parse_header_mode(const std::string& text) {
  if (text == "auto") return HeaderMode::automatic;
  if (text == "present") return HeaderMode::present;
  if (text == "absent") return HeaderMode::absent;
  throw InputError("invalid header mode '" + text + "': use auto, present or absent");
}

std::string to_string(FileFormat format) {
  switch (format) {
    case FileFormat::automatic:
      return "auto";
    case FileFormat::comma_separated:
      return "csv";
    case FileFormat::whitespace_separated:
      return "whitespace";
  }
  return "unknown";
}

FileFormat parse_file_format(const std::string& text) {
  if (text == "auto") return FileFormat::automatic;
  if (text == "csv") return FileFormat::comma_separated;
  if (text == "whitespace") return FileFormat::whitespace_separated;
  throw InputError("invalid file format '" + text + "': use auto, csv or whitespace");
}

}  // namespace nclab
