#pragma once
// Options that control how a data file is read or a built-in dataset is generated. The CLI fills them
// from --target, --task, --missing, --header, --format and the generator options.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "framework/data/dataset.hpp"

namespace nclab {

enum class HeaderMode {
  automatic,  // a header is a first row of text cells above a numeric cell in the same column
  present,    // the first row is always a header
  absent,     // the first row is always data
};
std::string to_string(HeaderMode mode);
// Parses "auto", "present" or "absent". Any other text is an InputError.
HeaderMode parse_header_mode(const std::string& text);

enum class FileFormat {
  automatic,             // ".csv" files, or files whose first line has a comma, are comma separated
  comma_separated,       // RFC 4180 style: quoted fields, "" inside quotes for a quote
  whitespace_separated,  // cells separated by runs of spaces or tabs, as in UCI .dat files
};
std::string to_string(FileFormat format);
// Parses "auto", "csv" or "whitespace". Any other text is an InputError.
FileFormat parse_file_format(const std::string& text);

// Parameters of the built-in generated datasets. An unset value takes the dataset's default. Setting a
// value that the chosen dataset does not use is an InputError, so that a typo cannot pass unnoticed.
struct GeneratorOptions {
  std::uint64_t seed = 1;              // keys the data stream of the noisy datasets
  std::optional<std::size_t> samples;  // friedman1 (default 1000), sine (default 200)
  std::optional<double> noise;         // noise standard deviation: friedman1 (1.0), sine (0.1)
  std::optional<std::size_t> horizon;  // mackey-glass: steps ahead of the target (default 6)
  std::optional<std::size_t> bits;     // parity: input bits (default 3)
};

struct LoadOptions {
  // Target column: empty for the last column, a 0-based index ("3"), a negative index counted from the
  // end ("-1" is the last column), or a header name. Text that parses as an integer is an index.
  std::string target;
  // Unset: classification when the target column contains at most 20 distinct values that are all
  // integers or non-numeric text, otherwise regression.
  std::optional<Task> task;
  MissingPolicy missing = MissingPolicy::error;
  HeaderMode header = HeaderMode::automatic;
  FileFormat format = FileFormat::automatic;
  GeneratorOptions generator;
};

// Most distinct target values for which the task is inferred as classification.
inline constexpr std::size_t max_inferred_classes = 20;

}  // namespace nclab
