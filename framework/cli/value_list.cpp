#include "framework/cli/value_list.hpp"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "framework/core/error.hpp"

namespace nclab {

namespace {

constexpr std::size_t kMaxRangePoints = 100000;

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

double round_to_12_digits(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.12g", value);
  return std::strtod(buffer, nullptr);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    items.push_back(trim(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace

double parse_number(const std::string& option, const std::string& text) {
  const std::string item = trim(text);
  double value = 0;
  const char* begin = item.data();
  const char* end = begin + item.size();
  if (!item.empty() && *begin == '+') ++begin;
  const auto result = std::from_chars(begin, end, value);
  if (item.empty() || result.ec != std::errc() || result.ptr != end) {
    throw InputError("invalid value '" + text + "' for --" + option + ": expected a number such as 0.5");
  }
  if (!std::isfinite(value)) {
    throw InputError("invalid value '" + text + "' for --" + option + ": the value must be finite");
  }
  return value;
}

std::vector<std::string> expand_values(const std::string& option, const std::string& text, bool numeric) {
  std::vector<std::string> values;
  const std::vector<std::string> items = split_commas(text);
  if (std::any_of(items.begin(), items.end(), [](const std::string& item) { return item.empty(); })) {
    // The fix is the same list without its empty items, unless nothing is left.
    std::string fixed;
    for (const std::string& item : items) {
      if (!item.empty()) fixed += (fixed.empty() ? "" : ",") + item;
    }
    if (fixed.empty()) {
      throw InputError("missing value for --" + option + "='" + text +
                       "': give one value, or several separated by single commas");
    }
    throw InputError("empty item in --" + option + "='" + text + "': write values separated by single commas, e.g. '" +
                     fixed + "'");
  }
  for (const std::string& item : items) {
    if (!numeric) {
      values.push_back(item);
      continue;
    }
    const auto first_colon = item.find(':');
    if (first_colon == std::string::npos) {
      values.push_back(format_number(parse_number(option, item)));
      continue;
    }
    // start:stop:step, or start:stop with step 1 (--seeds 1:5).
    const auto second_colon = item.find(':', first_colon + 1);
    if (second_colon != std::string::npos && item.find(':', second_colon + 1) != std::string::npos) {
      throw InputError("invalid range '" + item + "' for --" + option +
                       ": write start:stop:step, e.g. 0:1:0.25 (both ends included)");
    }
    const double start = parse_number(option, item.substr(0, first_colon));
    const double stop = parse_number(option, item.substr(first_colon + 1, second_colon - first_colon - 1));
    const double step =
        second_colon == std::string::npos ? 1.0 : parse_number(option, item.substr(second_colon + 1));
    if (step == 0.0 || (stop - start) * step < 0.0) {
      throw InputError("invalid range '" + item + "' for --" + option + ": the step " + format_number(step) +
                       " never reaches " + format_number(stop) + " from " + format_number(start));
    }
    // The small tolerance keeps the stop value when (stop - start) / step is 3.9999999999999996.
    const double span = (stop - start) / step;
    if (span + 1 > static_cast<double>(kMaxRangePoints)) {
      throw InputError("range '" + item + "' for --" + option + " has more than " +
                       std::to_string(kMaxRangePoints) + " points: use a larger step");
    }
    const auto count = static_cast<std::size_t>(std::floor(span + 1e-9)) + 1;
    const double last = start + static_cast<double>(count - 1) * step;
    if (std::fabs(last - stop) > 1e-9 * std::max(1.0, std::fabs(stop))) {
      throw InputError("invalid range '" + item + "' for --" + option + ": steps of " + format_number(step) +
                       " from " + format_number(start) + " end at " + format_number(round_to_12_digits(last)) +
                       ", not at " + format_number(stop) + "; both ends must be on the grid, e.g. " +
                       format_number(start) + ":" + format_number(round_to_12_digits(last)) + ":" +
                       format_number(step));
    }
    for (std::size_t i = 0; i < count; ++i) {
      double value = start + static_cast<double>(i) * step;
      if (i + 1 == count && std::fabs(value - stop) <= 1e-9 * std::fabs(step)) value = stop;
      values.push_back(format_number(round_to_12_digits(value)));
    }
  }
  return values;
}

}  // namespace nclab
