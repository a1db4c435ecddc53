#pragma once
// Error types shared by the whole framework. `main` catches them once and maps them to exit codes.

#include <stdexcept>
#include <string>

namespace nclab {

// Bad user input: a malformed data file, an invalid option value, an unwritable path. Exit status 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure inside a run or the result store that is not the user's input. Exit status 1.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nclab
