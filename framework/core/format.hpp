#pragma once

#include <string>

namespace nclab {

// Shortest decimal text that reads back as the same double: "3", "-1", "0.25", "1e-05". -0 becomes "0".
std::string format_number(double value);

}  // namespace nclab
