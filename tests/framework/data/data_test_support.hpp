#pragma once
// Helpers for the data tests: a temporary folder for small data files, a check on InputError messages,
// and the folder of real datasets.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>

#include "framework/core/error.hpp"

namespace nclab::testing {

// A fresh folder under the system temporary directory, removed with its files on destruction.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nclab-data-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  // Writes `content` byte for byte to a file in the folder and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream stream(file, std::ios::binary);
    stream << content;
    if (!stream) throw std::runtime_error("cannot write test file " + file.string());
    return file.string();
  }

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Runs `action` and checks that it throws InputError whose message contains every fragment.
inline void expect_input_error(const std::function<void()>& action,
                               std::initializer_list<std::string> fragments) {
  try {
    action();
  } catch (const InputError& error) {
    const std::string message = error.what();
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "the message lacks '" << fragment << "': " << message;
    }
    return;
  } catch (const std::exception& error) {
    ADD_FAILURE() << "expected InputError, got another exception: " << error.what();
    return;
  }
  ADD_FAILURE() << "expected InputError, but nothing was thrown";
}

// The folder of public datasets given by NCLAB_DATA_DIR, or empty when it is unset or missing.
inline std::string shared_data_folder() {
  const char* folder = std::getenv("NCLAB_DATA_DIR");
  if (folder == nullptr || !std::filesystem::is_directory(folder)) return {};
  return folder;
}

}  // namespace nclab::testing
