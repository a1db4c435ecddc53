#pragma once

#include <string>
#include <vector>

namespace nclab {

// Returns the candidate closest to `word` by edit distance, or "" when none is within
// max(2, |word| / 3) edits.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace nclab
