#pragma once
// Lists and ranges of option values: "0,0.25,0.5", "0:1:0.25" (both ends included), "ncl,ncl-exact".

#include <string>
#include <vector>

#include "framework/core/format.hpp"

namespace nclab {

// Parses a whole decimal number; throws InputError naming `option` when `text` is not one.
double parse_number(const std::string& option, const std::string& text);

// Splits `text` at commas and expands every "start:stop:step" item for numeric options ("start:stop"
// steps by 1). Numbers are
// returned in canonical form (format_number), so "0.50" and "0.5" name the same grid point. Range
// points are rounded to 12 significant digits so that 0:1:0.1 yields 0.3, not 0.30000000000000004.
// Throws InputError naming the option for an empty item, a zero or wrong-signed step, or more than
// 100000 points.
std::vector<std::string> expand_values(const std::string& option, const std::string& text, bool numeric);

}  // namespace nclab
