#pragma once
// The two roles of a distributed sweep, behind SweepRanks: rank 0 coordinates (and trains), every
// other rank works. messages.hpp describes the protocol between them.

#include <cstddef>
#include <functional>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/sweep/plan.hpp"
#include "framework/sweep/scheduler.hpp"

namespace nclab::mpi {

// The state coordinate() left the workers in, also when it throws.
enum class CoordinatorEnd {
  released,    // every worker received kStop and returned its runs, though a store error may follow
  terminated,  // SIGTERM or SIGINT arrived: the launcher is ending the job
  failed,      // an MPI or protocol error: workers may still hold runs and wait for replies
};

// Rank 0 of `ranks` ranks. See SweepRanks::run.
SweepOutcome coordinate(int ranks, const std::vector<RunSpec>& runs,
                        const std::function<RunRecord(const RunSpec&)>& execute,
                        const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options,
                        CoordinatorEnd& end);

// A worker rank. See SweepRanks::serve_runs.
int serve(int rank, const std::vector<RunSpec>& grid, const std::function<RunRecord(const RunSpec&)>& execute,
          std::size_t threads);

}  // namespace nclab::mpi
