#pragma once
// The processes of one `nclab train` or `nclab sweep`: the MPI ranks when an MPI launcher (mpirun,
// srun --mpi=pmix) started nclab built with NCLAB_MPI, otherwise this process alone.
//
// Every rank parses the same options and expands the same grid. Rank 0 checks the runs, opens the
// result store and calls run(). There it sends run indices to the other ranks one at a time as each
// requests work, trains runs itself on its own threads and receives every finished RunRecord. It is the
// only rank that writes the results file. Every other rank calls serve_runs() and trains what rank 0
// assigns.
// docs/cluster.md describes the protocol, the failure handling and how to size ranks and threads.

#include <cstddef>
#include <functional>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/sweep/plan.hpp"
#include "framework/sweep/scheduler.hpp"

namespace nclab {

class SweepRanks {
 public:
  // Initialises MPI when nclab was built with NCLAB_MPI and an MPI launcher started this process.
  // Otherwise the group is this process alone. Throws RuntimeFailure when MPI fails to initialise.
  SweepRanks();
  // Finalises MPI. When a sweep fails before run(), for example on invalid runs or a results file that
  // cannot be opened, rank 0 first sends kStop to the waiting workers so that every rank ends. When
  // run() ended with an MPI error while workers held runs, rank 0 aborts the MPI job instead.
  ~SweepRanks();
  SweepRanks(const SweepRanks&) = delete;
  SweepRanks& operator=(const SweepRanks&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_worker() const { return rank_ > 0; }

  // Rank 0: trains every run of `runs` and hands each record to `sink`. With one rank this is
  // run_scheduled, which calls `sink` from its worker threads. With more, the other ranks train too,
  // each on `options.threads` threads, and rank 0 calls `sink` on the calling thread in the order the
  // records arrive. Outcome, progress and --fail-fast behave as in run_scheduled. Throws RuntimeFailure when the MPI job is terminated (SIGTERM or SIGINT, e.g.
  // because another rank died), after logging which run each rank was training.
  SweepOutcome run(const std::vector<RunSpec>& runs, const std::function<RunRecord(const RunSpec&)>& execute,
                   const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options);

  // Ranks other than 0: trains the runs of `grid` (the whole expanded grid, indexed by
  // RunSpec::index) that rank 0 assigns, on `threads` threads, and sends each record to rank 0. Returns
  // the process exit status once rank 0 has no more work. On an error outside a run, which no message
  // to rank 0 reports, logs it with this rank and its runs, then aborts the MPI job.
  int serve_runs(const std::vector<RunSpec>& grid, const std::function<RunRecord(const RunSpec&)>& execute,
                 std::size_t threads);

 private:
  int rank_ = 0;
  int size_ = 1;
  bool mpi_initialised_ = false;
  // Rank 0 only. run() has handed out runs, every worker has since received kStop and returned its
  // runs, and a termination signal ended run(), respectively.
  bool workers_started_ = false;
  bool workers_released_ = false;
  bool terminated_ = false;
};

}  // namespace nclab
