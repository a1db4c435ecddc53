#include <H5public.h>

#include "framework/cli/commands.hpp"
#include "framework/core/blas_core.hpp"
#include "framework/core/blas_setup.hpp"
#include "nclab/version.hpp"

namespace nclab {

std::string version_text() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::string("nclab ") + kVersion + " (commit " + kGitCommit + ")\n" + "HDF5 " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(release) + "\n" + blas_configuration() + "\n" +
         blas_core_description() + "\n";
}

}  // namespace nclab
