// SweepRanks in a build without MPI (NCLAB_MPI=OFF): the process is rank 0 of one rank, and run() is
// run_scheduled. framework/distributed/mpi/ contains the MPI build's version.

#include "framework/core/error.hpp"
#include "framework/distributed/sweep_ranks.hpp"

namespace nclab {

SweepRanks::SweepRanks() = default;

SweepRanks::~SweepRanks() = default;

SweepOutcome SweepRanks::run(const std::vector<RunSpec>& runs, const std::function<RunRecord(const RunSpec&)>& execute,
                             const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options) {
  return run_scheduled(runs, execute, sink, options);
}

int SweepRanks::serve_runs(const std::vector<RunSpec>&, const std::function<RunRecord(const RunSpec&)>&,
                           std::size_t) {
  throw RuntimeFailure("SweepRanks::serve_runs called in a build without MPI, where every process is rank 0");
}

}  // namespace nclab
