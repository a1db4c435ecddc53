#pragma once
// POSIX steps that make a written file survive a crash: fsync of files and folders, atomic rename, and
// an advisory lock that keeps two processes from writing the same results file.

#include <filesystem>
#include <optional>

namespace nclab::durable {

// Each function throws RuntimeFailure with the path and the system error text when a call fails.
void fsync_file(const std::filesystem::path& path);
void fsync_directory(const std::filesystem::path& path);

// Renames `from` over `to` (atomic on POSIX within one file system) and then fsyncs the folders of
// both, so that after a crash `to` is either the old or the new file and the new name is durable.
void replace_file(const std::filesystem::path& from, const std::filesystem::path& to);

// Makes `link` a second name for the file `target`: a hard link where the file system allows one,
// otherwise a durable copy. Either way `link` keeps the current contents even if `target` is later
// replaced by a rename.
void link_or_copy(const std::filesystem::path& target, const std::filesystem::path& link);

// An exclusive flock(2) on a lock file, held until destruction.
class FileLock {
 public:
  // Returns the lock, or nothing when another process holds it. Creates the file if it is missing.
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int descriptor) : descriptor_(descriptor) {}
  int descriptor_ = -1;
};

}  // namespace nclab::durable
