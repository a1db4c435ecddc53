#pragma once
// Member lanes: the parameters of M dense members stored interleaved, member by member, so that one
// vector instruction works on kWidth members at once. The lanes serve online training (one pattern
// per step) of small networks. There a member's step is a few hundred operations on rows of 2 to 20
// values, too short to vectorise within one member. But the M members of an ensemble do the same
// operations on the same pattern in every step.
//
// Layout: members are grouped kWidth at a time (the last group padded with zero members that stay
// zero). Within a group, weight (j, i) of layer l (j = output unit, i = input unit) of lane m sits at
// weights[l][(j * cols + i) * kWidth + m], and bias j at biases[l][j * kWidth + m].
//
// The arithmetic is a dense layer's, A_l = f_l(A_(l-1) W_l^T + b_l), with the same gradients and the
// plain SGD step w += -rate g as DenseNetwork and MomentumSgd. The results agree with the per-member
// path to rounding, not bit for bit: the sums run in another order and the exponential is exp_kernel
// instead of libm's. They do not depend on the thread count, since one run's lanes run on one thread.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/ensemble/penalties.hpp"
#include "framework/model/model.hpp"

namespace nclab {

class MemberLanes {
 public:
  static constexpr std::size_t kWidth = 4;

  // Lanes for `models` when every one is a DenseNetwork with the same layers, else null.
  static std::unique_ptr<MemberLanes> create(std::span<const std::unique_ptr<Model>> models);

  // Copies the members' parameters into the lanes, and back.
  void load(std::span<const std::unique_ptr<Model>> models);
  void store(std::span<const std::unique_ptr<Model>> models) const;

  // Forward pass of every member on one pattern x (inputs values). Afterwards output(i) is member i's
  // output row, and the activations are kept for backward_and_step.
  void forward(const double* x);
  void copy_output(std::size_t member, double* row) const;

  // Back-propagates each member's output gradient (1 x K, see GradientAt) through the last forward
  // pass and applies w += -rate g to every parameter.
  void backward_and_step(std::span<const MatrixView> gradients, GradientAt at, double rate);

  // The output gradients of independent, ncl or ncl-exact training (see NclForm) against the target
  // row `target` (K values), then backward_and_step's pass and step. The ensemble output F of the last
  // forward pass goes to `ensemble` (K values). This skips the per-member views of the general path.
  void ncl_backward_and_step(const double* target, const NclForm& form, LossKind loss, double rate, double* ensemble);

  // Member i's outputs on every row of x, written to outputs[i] (x.rows x K).
  void predict(ConstMatrixView x, std::span<Matrix> outputs);

 private:
  struct Layer {
    std::size_t rows = 0, cols = 0;
    Activation activation = Activation::identity;
    std::size_t weight_offset = 0, bias_offset = 0;  // in the member's parameter buffer
  };

  MemberLanes(std::size_t members, std::size_t inputs, std::vector<Layer> layers);

  // For every group: fill_delta(g, A_L, delta) writes the output gradient of group g, which is then
  // chained through the output activation when `at` is GradientAt::output, and back-propagated with
  // the SGD step.
  template <typename FillDelta>
  void step_groups(GradientAt at, double rate, FillDelta fill_delta);

  // Runs every group's forward pass on `rows` patterns, row n at x + n * stride, and calls
  // done(g, n, A_L) with group g's outputs on row n (the group loop is outside the row loop).
  template <typename Done>
  void forward_rows(const double* x, std::size_t rows, std::size_t stride, Done done);

  // Parameters, activations and deltas of group g, layer l.
  double* weights(std::size_t g, std::size_t l) { return parameters_.data() + g * group_parameters_ + weight_at_[l]; }
  double* biases(std::size_t g, std::size_t l) { return parameters_.data() + g * group_parameters_ + bias_at_[l]; }
  double* activations(std::size_t g, std::size_t l) { return activations_.data() + g * group_units_ + unit_at_[l]; }
  double* deltas(std::size_t l) { return deltas_.data() + unit_at_[l]; }

  std::size_t members_ = 0;
  std::size_t groups_ = 0;
  std::size_t inputs_ = 0;
  std::vector<Layer> layers_;
  std::vector<std::size_t> weight_at_, bias_at_, unit_at_;  // per layer, within one group's block
  std::size_t group_parameters_ = 0;                        // lane values per group
  std::size_t group_units_ = 0;                             // activation lane values per group
  std::vector<double> parameters_;
  std::vector<double> input_;        // the pattern of the last forward pass
  std::vector<double> activations_;  // A_l of every group after forward()
  std::vector<double> deltas_;       // one group's dL/dZ_l during backward_and_step
};

}  // namespace nclab
