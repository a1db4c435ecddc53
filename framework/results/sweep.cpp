#include "framework/results/sweep.hpp"

#include <cblas.h>
#include <hdf5.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <ctime>

#include "framework/core/error.hpp"
#include "nclab/version.hpp"

namespace nclab {

SweepMetadata make_sweep_metadata(std::string command_line, std::string configuration) {
  SweepMetadata metadata;
  metadata.command_line = std::move(command_line);
  metadata.configuration = std::move(configuration);
  metadata.nclab_version = kVersion;
  metadata.git_commit = kGitCommit;
  metadata.hdf5_version = hdf5_library_version();
  metadata.openblas_config = openblas_get_config();

  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) == 0) metadata.host = host.data();
  return metadata;
}

std::string hdf5_library_version() {
  unsigned major = 0;
  unsigned minor = 0;
  unsigned release = 0;
  if (H5get_libversion(&major, &minor, &release) < 0) return "unknown";
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

std::string to_string(StoredStatus status) {
  switch (status) {
    case StoredStatus::pending: return "pending";
    case StoredStatus::complete: return "complete";
    case StoredStatus::failed: return "failed";
    case StoredStatus::diverged: return "diverged";
  }
  return "unknown";
}

StoredStatus parse_stored_status(const std::string& text) {
  if (text == "pending") return StoredStatus::pending;
  if (text == "complete") return StoredStatus::complete;
  if (text == "failed") return StoredStatus::failed;
  if (text == "diverged") return StoredStatus::diverged;
  throw RuntimeFailure("invalid stored run status '" + text + "': expected pending, complete, failed or diverged");
}

StoredStatus stored_status(RunStatus status) {
  switch (status) {
    case RunStatus::complete: return StoredStatus::complete;
    case RunStatus::failed: return StoredStatus::failed;
    case RunStatus::diverged: return StoredStatus::diverged;
  }
  return StoredStatus::failed;
}

bool is_final(StoredStatus status) { return status == StoredStatus::complete || status == StoredStatus::diverged; }

}  // namespace nclab
