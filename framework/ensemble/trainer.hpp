#pragma once
// Training of one ensemble run: M members with one penalty (independent, ncl, ncl-exact or Rosen's
// decorrelated networks), SGD with momentum, per-epoch metrics, early stopping and divergence handling.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "framework/data/dataset.hpp"
#include "framework/ensemble/settings.hpp"
#include "framework/model/model.hpp"
#include "framework/results/run_record.hpp"

namespace nclab {

// Progress of a run after one epoch, passed to TrainingObserver::epoch_done.
struct EpochProgress {
  std::size_t row = 0;           // metrics row just recorded (0-based)
  std::size_t planned_rows = 0;  // epochs, or M x epochs in sequential mode (early stopping may end sooner)
  int active_member = -1;        // member trained in this row (sequential mode), -1 for concurrent training
  double coefficient = 0.0;      // lambda(t), or gamma(t) for ncl-exact
  double train_loss = 0.0;       // ensemble loss on the training part
  double test_loss = 0.0;        // ensemble loss on the test part, NaN without test patterns
};

// Optional callbacks, each called once per epoch from the thread that runs train_ensemble.
struct TrainingObserver {
  std::function<void(const EpochProgress&)> epoch_done;
  // Polled after each epoch. Returning true ends the run with status failed and keeps the epochs so far.
  std::function<bool()> stop_requested;
};

// Default of TrainerOptions::parallel_member_work. At this work a member step of a 14-10-2 MLP covers
// about 190 patterns and takes tens of microseconds, well above the few microseconds of a oneTBB fork
// and barrier. NOTE: an estimate, not tuned on an idle multi-core machine.
inline constexpr std::size_t kDefaultParallelMemberWork = 32768;

// Execution settings that never change a result: records are bitwise identical for any value.
struct TrainerOptions {
  // Members run in parallel (oneTBB) in steps and evaluations whose work (patterns x parameters per
  // member) reaches this value, when the calling oneTBB arena has more than one thread. 0 runs them
  // in parallel whenever the arena allows, SIZE_MAX never.
  std::size_t parallel_member_work = kDefaultParallelMemberWork;
  // Concurrent training of dense members with plain SGD runs one-pattern steps and the per-epoch
  // evaluations on MemberLanes (several members per vector instruction). The results agree with the
  // member-by-member path to rounding; false forces that path, which tests compare against.
  bool member_lanes = true;
};

// Creates one untrained member. The trainer initialises its parameters.
using MemberFactory = std::function<std::unique_ptr<Model>()>;

// Trains config.members members built by `make_member` on data.train_* and evaluates them on data.test_*
// after each epoch. Random streams are keyed by (config.seed, run_key, member, purpose):
// - initial parameters of member i: (seed, run_key, i, initialization).
// - the pattern order of each epoch: (seed, run_key, 0, shuffle). Every member gets the same orders,
//   and in sequential mode the stream restarts for each member.
// - the early-stopping validation split: (seed, run_key, 0, split).
//
// Classification (data.task) needs members with softmax outputs. The targets are data.train_targets,
// which for models that reconstruct their input are the inputs.
//
// The returned record has one of three statuses:
// - complete.
// - diverged: a training loss or a parameter became non-finite. diverged_epoch is that metrics row, the
//   rows before it are kept, and the parameters of the last finite epoch are restored;
// - failed: the observer requested a stop.
// The caller fills run_id, run_index, point_id, fold, seed and settings. Throws InputError for an invalid
// config or for data that do not fit the members.
//
// Sequential mode records M x epochs rows, member j's epochs after member j-1's, with active_member set.
// The columns of members not trained yet are NaN, and the ensemble column and the ambiguity cover the
// members trained so far (1..j). With early stopping each member stops on its own, so there may be
// fewer rows.
RunRecord train_ensemble(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const MemberFactory& make_member, const TrainingObserver* observer = nullptr,
                         const TrainerOptions& options = {});

// Trains members of the registered model config.model, built with config.model_options and
// config.output_activation for the data's input and target columns, as the overload above does.
// Throws InputError for an unknown model or invalid model options.
RunRecord train_ensemble(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const TrainingObserver* observer = nullptr, const TrainerOptions& options = {});

}  // namespace nclab
