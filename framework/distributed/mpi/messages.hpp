#pragma once
// The messages between rank 0 and the worker ranks of a sweep, and MPI helpers shared by both sides.
//
// A worker sends kHello once, then kRequest whenever one of its threads is free and kResult with each
// finished record. Rank 0 replies to every kRequest with kAssign (a run index) or, once no run is left
// to hand out, with kStop. After kStop a worker sends only the records of the runs it still trains.
// Only the thread that initialised MPI calls MPI (MPI_THREAD_FUNNELED).

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace nclab::mpi {

enum Tag : int {
  kHello = 1,
  kRequest = 2,
  kAssign = 3,
  kStop = 4,
  kResult = 5,
};

struct HelloMessage {
  std::int64_t pid = 0;
  std::uint64_t threads = 0;
  std::uint64_t cores = 0;  // hardware threads of the worker's host
  char host[256] = {};
};

struct AssignMessage {
  std::uint64_t run_index = 0;
  char run_id[17] = {};  // 16 hex digits and a terminating zero, checked against the worker's grid
};

enum class StopReason : std::int32_t {
  finished = 0,  // every run has been handed out, or --fail-fast stopped the sweep
  aborted = 1,   // rank 0 failed before it handed out any run, and reports its error itself
};

struct StopMessage {
  StopReason reason = StopReason::finished;
};

// Throws RuntimeFailure naming `call` and MPI's error text when `code` is not MPI_SUCCESS.
void check(int code, const char* call);

// Completes `request` without keeping a core busy: tests it in a loop for about a millisecond, since
// replies from rank 0 usually arrive that fast, then sleeps between tests. Each test also lets MPI make
// progress on large transfers.
void wait(MPI_Request& request, MPI_Status* status = MPI_STATUS_IGNORE);

// True when an MPI launcher started this process: mpirun (OMPI_COMM_WORLD_SIZE) or a PMI/PMIx process
// manager such as `srun --mpi=pmix` (PMIX_RANK, PMI_RANK, PMI_SIZE).
bool launched_by_mpi();

std::string host_name();

}  // namespace nclab::mpi
