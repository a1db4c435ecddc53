#include "framework/results/durable_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "framework/core/error.hpp"

namespace nclab::durable {

namespace {

[[noreturn]] void fail(const std::string& action, const std::filesystem::path& path, int error) {
  throw RuntimeFailure(action + " '" + path.string() + "' failed: " + std::strerror(error));
}

void fsync_path(const std::filesystem::path& path, int flags) {
  const int descriptor = ::open(path.c_str(), flags | O_CLOEXEC);
  if (descriptor < 0) fail("opening", path, errno);
  const int status = ::fsync(descriptor);
  const int error = errno;
  ::close(descriptor);
  if (status != 0) fail("fsync of", path, error);
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace

void fsync_file(const std::filesystem::path& path) { fsync_path(path, O_RDONLY); }

void fsync_directory(const std::filesystem::path& path) { fsync_path(path, O_RDONLY | O_DIRECTORY); }

void replace_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    fail("renaming '" + from.string() + "' to", to, errno);
  }
  fsync_directory(folder_of(to));
  if (folder_of(from) != folder_of(to)) fsync_directory(folder_of(from));
}

void link_or_copy(const std::filesystem::path& target, const std::filesystem::path& link) {
  std::filesystem::remove(link);
  if (::link(target.c_str(), link.c_str()) == 0) {
    fsync_directory(folder_of(link));
    return;
  }
  std::filesystem::path temporary = link;
  temporary += ".tmp";
  std::filesystem::copy_file(target, temporary, std::filesystem::copy_options::overwrite_existing);
  fsync_file(temporary);
  replace_file(temporary, link);
}

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (descriptor < 0) fail("opening lock file", path, errno);
  if (::flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(descriptor);
    if (error == EWOULDBLOCK) return std::nullopt;
    fail("locking", path, error);
  }
  return FileLock(descriptor);
}

FileLock::FileLock(FileLock&& other) noexcept : descriptor_(std::exchange(other.descriptor_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (descriptor_ >= 0) ::close(descriptor_);
    descriptor_ = std::exchange(other.descriptor_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

}  // namespace nclab::durable
