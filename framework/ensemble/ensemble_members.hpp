#pragma once
// The M member models of one run with their optimisers and step buffers, and one training step.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "framework/core/matrix.hpp"
#include "framework/ensemble/member_lanes.hpp"
#include "framework/ensemble/optimizer.hpp"
#include "framework/ensemble/penalties.hpp"
#include "framework/model/model.hpp"

namespace nclab {

class EnsembleMembers {
 public:
  // Takes the members, which must share their input and output sizes, and allocates every buffer for
  // steps of up to `batch_capacity` patterns, so that steps allocate nothing. Members run in parallel in
  // a step of N patterns when N x (parameters of member 0) is at least `parallel_member_work`.
  // With `use_lanes`, plain SGD (momentum 0), a batch capacity of 1 and at least two dense members of
  // one layout, the steps and the whole-ensemble evaluations run on MemberLanes instead of the members
  // one by one.
  EnsembleMembers(std::vector<std::unique_ptr<Model>> models, std::size_t batch_capacity, double learning_rate,
                  double momentum, std::size_t parallel_member_work, bool use_lanes = false);

  std::size_t size() const { return models_.size(); }
  std::size_t output_size() const { return output_size_; }
  // The member with its current parameters. The non-const form lets the caller change them, so the
  // next lane step reloads the lanes. Not for concurrent calls while lanes are in use.
  Model& member(std::size_t i) {
    sync_models();
    lanes_stale_ = lanes_ != nullptr;
    return *models_[i];
  }
  const Model& member(std::size_t i) const {
    sync_models();
    return *models_[i];
  }
  bool uses_lanes() const { return lanes_ != nullptr; }

  // Writes every member's outputs on `inputs` to outputs[i] when the lanes can: members [first, last)
  // are all of them and lanes are in use. Returns false, writing nothing, otherwise.
  bool predict_all_on_lanes(ConstMatrixView inputs, std::span<Matrix> outputs, std::size_t first, std::size_t last);

  // One concurrent step on a batch (inputs N x d, targets N x K, N <= batch capacity): every member's
  // forward pass, then F and the penalised output gradients, then every member's backward pass and
  // update with the gradient of the batch mean.
  void concurrent_step(ConstMatrixView inputs, ConstMatrixView targets, const PenaltySettings& penalty);

  // Runs concurrent_step without the update. Afterwards parameter_gradient(i) contains the sum over the
  // batch of dE_i/dtheta_i, which tests compare with finite differences.
  void compute_concurrent_gradients(ConstMatrixView inputs, ConstMatrixView targets, const PenaltySettings& penalty);

  // Trains member `member` alone for one step against the fixed earlier members (sequential
  // decorrelated training). `sum` contains S_j of decorrelation_sum on this batch, or is null when the
  // member has no partner.
  void sequential_step(std::size_t member, ConstMatrixView inputs, ConstMatrixView targets,
                       const ConstMatrixView* sum, double lambda, LossKind loss);

  std::span<const double> parameter_gradient(std::size_t i) const { return parameter_gradients_[i]; }
  // Member outputs and F of the last step, as N x K views.
  ConstMatrixView step_output(std::size_t i) const;
  ConstMatrixView step_ensemble() const { return ensemble_view_; }

  void reset_optimizer(std::size_t i) { optimizers_[i].reset(); }

  // True when a step or evaluation over `rows` patterns is large enough to run the members in parallel
  // and the current oneTBB arena has more than one thread.
  bool runs_parallel(std::size_t rows) const;

  // Calls work(i) for every member, in parallel or in index order. Each call must touch member i's
  // state only, so both ways give the same result bit for bit.
  template <typename Work>
  void for_each_member(bool parallel, Work&& work) {
    if (!parallel) {
      for (std::size_t i = 0; i < models_.size(); ++i) work(i);
      return;
    }
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, models_.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) work(i);
                      });
  }

 private:
  void set_step_rows(std::size_t rows);
  // Copies the lanes' parameters to the members when a lane step changed them.
  void sync_models() const;
  // Copies the outputs of the last lane step into outputs_ when the step left them in the lanes.
  void copy_lane_outputs() const;
  // concurrent_step on one pattern through the lanes.
  void lane_step(ConstMatrixView inputs, ConstMatrixView targets, const PenaltySettings& penalty);
  // Forward passes of every member, then F and the output gradients of the penalised losses.
  void forward_and_penalise(ConstMatrixView inputs, ConstMatrixView targets, const PenaltySettings& penalty,
                            bool parallel);

  std::vector<std::unique_ptr<Model>> models_;
  std::vector<MomentumSgd> optimizers_;
  std::vector<std::vector<double>> parameter_gradients_;
  // Mutable because the lanes' NCL step leaves the outputs in the lanes, and step_output copies them
  // out only when it is called.
  mutable std::vector<Matrix> outputs_;
  mutable bool outputs_in_lanes_ = false;
  std::vector<Matrix> gradients_;
  Matrix ensemble_;
  // Views of the first `step_rows_` rows of the buffers above, rebuilt only when the batch size changes.
  std::vector<ConstMatrixView> output_views_;
  std::vector<MatrixView> gradient_views_;
  MatrixView ensemble_view_;
  std::size_t step_rows_ = 0;
  std::size_t batch_capacity_ = 0;
  std::size_t output_size_ = 0;
  std::size_t parallel_member_work_ = 0;
  double learning_rate_ = 0.0;
  double momentum_ = 0.0;

  std::unique_ptr<MemberLanes> lanes_;
  mutable bool models_stale_ = false;  // the lanes hold newer parameters than the members
  bool lanes_stale_ = true;            // the members may hold newer parameters than the lanes
};

}  // namespace nclab
