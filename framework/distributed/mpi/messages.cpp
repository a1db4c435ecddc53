#include "framework/distributed/mpi/messages.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <thread>

#include "framework/core/error.hpp"

namespace nclab::mpi {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(code, text.data(), &length);
  throw RuntimeFailure(std::string(call) + " failed: " + std::string(text.data(), static_cast<std::size_t>(length)));
}

void wait(MPI_Request& request, MPI_Status* status) {
  const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, status), "MPI_Test");
    if (done) return;
    if (std::chrono::steady_clock::now() >= spin_until) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

std::string host_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) return "unknown host";
  return host.data();
}

}  // namespace nclab::mpi
