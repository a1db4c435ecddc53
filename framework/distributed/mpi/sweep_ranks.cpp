// SweepRanks in the MPI build (NCLAB_MPI=ON).

#include "framework/distributed/sweep_ranks.hpp"

#include <exception>

#include "framework/core/error.hpp"
#include "framework/core/log.hpp"
#include "framework/distributed/mpi/messages.hpp"
#include "framework/distributed/mpi/roles.hpp"

namespace nclab {

SweepRanks::SweepRanks() {
  if (!mpi::launched_by_mpi()) return;
  int provided = MPI_THREAD_SINGLE;
  mpi::check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  mpi_initialised_ = true;
  // Errors come back as codes that mpi::check turns into exceptions naming the call.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    mpi_initialised_ = false;
    throw RuntimeFailure("the MPI library provides thread level " + std::to_string(provided) +
                         ", below MPI_THREAD_FUNNELED, which nclab needs because its ranks train on threads");
  }
}

SweepRanks::~SweepRanks() {
  if (!mpi_initialised_) return;
  // MPI_Finalize waits for every rank, and some have died or are being killed.
  if (terminated_) return;
  if (rank_ == 0 && size_ > 1 && !workers_released_) {
    if (workers_started_) {
      // Workers hold runs and wait for replies that will never come: only an abort ends them.
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    // The sweep failed before any run was handed out, for example on invalid runs or a results file
    // that cannot be opened. Rank 0 reports the error, and each worker ends when kStop arrives as the
    // reply to its first request.
    const mpi::StopMessage stop{mpi::StopReason::aborted};
    for (int worker = 1; worker < size_; ++worker) {
      MPI_Send(&stop, sizeof stop, MPI_BYTE, worker, mpi::kStop, MPI_COMM_WORLD);
    }
  }
  MPI_Finalize();
}

SweepOutcome SweepRanks::run(const std::vector<RunSpec>& runs, const std::function<RunRecord(const RunSpec&)>& execute,
                             const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options) {
  if (size_ == 1) return run_scheduled(runs, execute, sink, options);
  workers_started_ = true;
  mpi::CoordinatorEnd end = mpi::CoordinatorEnd::failed;
  try {
    SweepOutcome outcome = mpi::coordinate(size_, runs, execute, sink, options, end);
    workers_released_ = true;
    return outcome;
  } catch (const std::exception& error) {
    if (end == mpi::CoordinatorEnd::released) workers_released_ = true;
    if (end == mpi::CoordinatorEnd::terminated) terminated_ = true;
    if (end == mpi::CoordinatorEnd::failed) {
      // The destructor aborts the job, so this process may never reach main's error message.
      log_message(LogLevel::error, std::string("rank 0 failed: ") + error.what() + ". Aborting the MPI job");
    }
    throw;
  }
}

int SweepRanks::serve_runs(const std::vector<RunSpec>& grid, const std::function<RunRecord(const RunSpec&)>& execute,
                           std::size_t threads) {
  return mpi::serve(rank_, grid, execute, threads);
}

}  // namespace nclab
