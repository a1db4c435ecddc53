#include "framework/ensemble/ensemble_members.hpp"

#include <oneapi/tbb/task_arena.h>

#include <stdexcept>
#include <string>

#include "framework/model/dense_network.hpp"

namespace nclab {

EnsembleMembers::EnsembleMembers(std::vector<std::unique_ptr<Model>> models, std::size_t batch_capacity,
                                 double learning_rate, double momentum, std::size_t parallel_member_work,
                                 bool use_lanes)
    : models_(std::move(models)),
      batch_capacity_(batch_capacity),
      parallel_member_work_(parallel_member_work),
      learning_rate_(learning_rate),
      momentum_(momentum) {
  if (models_.empty()) throw std::invalid_argument("EnsembleMembers: an ensemble needs at least 1 member");
  if (batch_capacity_ == 0) throw std::invalid_argument("EnsembleMembers: the batch capacity must be >= 1");
  output_size_ = models_[0]->output_size();
  for (std::size_t i = 0; i < models_.size(); ++i) {
    const Model& model = *models_[i];
    if (model.input_size() != models_[0]->input_size() || model.output_size() != output_size_) {
      throw std::invalid_argument("EnsembleMembers: member " + std::to_string(i) + " maps " +
                                  std::to_string(model.input_size()) + " inputs to " +
                                  std::to_string(model.output_size()) + " outputs, member 0 maps " +
                                  std::to_string(models_[0]->input_size()) + " to " + std::to_string(output_size_));
    }
    optimizers_.emplace_back(model.parameter_count(), learning_rate, momentum);
    parameter_gradients_.emplace_back(model.parameter_count(), 0.0);
    outputs_.emplace_back(batch_capacity_, output_size_);
    gradients_.emplace_back(batch_capacity_, output_size_);
  }
  ensemble_ = Matrix(batch_capacity_, output_size_);
  output_views_.resize(models_.size());
  gradient_views_.resize(models_.size());
  set_step_rows(batch_capacity_);
  // Lanes pay off for one-pattern steps of two or more members: one member would use one lane of
  // four, slower than its own loop kernels (0.61 against 0.47 us per update, 14-10-2). Mini-batches
  // keep the members' own (BLAS) products.
  if (use_lanes && momentum == 0.0 && batch_capacity_ == 1 && models_.size() >= 2) {
    lanes_ = MemberLanes::create(models_);
  }
}

void EnsembleMembers::sync_models() const {
  if (!models_stale_) return;
  lanes_->store(models_);
  models_stale_ = false;
}

bool EnsembleMembers::predict_all_on_lanes(ConstMatrixView inputs, std::span<Matrix> outputs, std::size_t first,
                                           std::size_t last) {
  if (lanes_ == nullptr || first != 0 || last != models_.size()) return false;
  if (lanes_stale_) {
    lanes_->load(models_);
    lanes_stale_ = false;
  }
  copy_lane_outputs();  // predict overwrites the lanes' activations
  lanes_->predict(inputs, outputs);
  return true;
}

void EnsembleMembers::copy_lane_outputs() const {
  if (!outputs_in_lanes_) return;
  for (std::size_t i = 0; i < models_.size(); ++i) lanes_->copy_output(i, outputs_[i].row(0).data());
  outputs_in_lanes_ = false;
}

ConstMatrixView EnsembleMembers::step_output(std::size_t i) const {
  copy_lane_outputs();
  return output_views_[i];
}

void EnsembleMembers::lane_step(ConstMatrixView inputs, ConstMatrixView targets, const PenaltySettings& penalty) {
  set_step_rows(1);
  if (lanes_stale_) {
    lanes_->load(models_);
    lanes_stale_ = false;
  }
  lanes_->forward(inputs.data);
  models_stale_ = true;
  if (const std::optional<NclForm> form = ncl_form(penalty, models_.size())) {
    // The step only reads the lanes' activations, so the outputs stay there for copy_lane_outputs.
    lanes_->ncl_backward_and_step(targets.data, *form, penalty.loss, learning_rate_, ensemble_view_.data);
    outputs_in_lanes_ = true;
    return;
  }
  outputs_in_lanes_ = false;
  for (std::size_t i = 0; i < models_.size(); ++i) lanes_->copy_output(i, outputs_[i].row(0).data());
  ensemble_mean(output_views_, ensemble_view_);
  penalty_output_gradients(penalty, output_views_, targets, ensemble_view_, gradient_views_);
  lanes_->backward_and_step(gradient_views_, gradient_point(penalty.loss), learning_rate_);
}

void EnsembleMembers::set_step_rows(std::size_t rows) {
  if (rows == step_rows_) return;
  if (rows == 0 || rows > batch_capacity_) {
    throw std::invalid_argument("EnsembleMembers: a step of " + std::to_string(rows) +
                                " patterns does not fit the batch capacity " + std::to_string(batch_capacity_));
  }
  for (std::size_t i = 0; i < models_.size(); ++i) {
    output_views_[i] = outputs_[i].view().rows_range(0, rows);
    gradient_views_[i] = gradients_[i].view().rows_range(0, rows);
  }
  ensemble_view_ = ensemble_.view().rows_range(0, rows);
  step_rows_ = rows;
}

bool EnsembleMembers::runs_parallel(std::size_t rows) const {
  // In a 1-thread arena a parallel loop cannot run members side by side and only adds task overhead.
  return models_.size() > 1 && rows * models_[0]->parameter_count() >= parallel_member_work_ &&
         tbb::this_task_arena::max_concurrency() > 1;
}

void EnsembleMembers::forward_and_penalise(ConstMatrixView inputs, ConstMatrixView targets,
                                           const PenaltySettings& penalty, bool parallel) {
  set_step_rows(inputs.rows);
  outputs_in_lanes_ = false;  // every output is written below

  // Barrier: every member's output on this batch exists before any penalty is computed. Both callers
  // run the backward passes before they return, so a DenseNetwork may read `inputs` in place.
  for_each_member(parallel, [&](std::size_t i) {
    MatrixView output = outputs_[i].view().rows_range(0, inputs.rows);
    if (auto* dense = dynamic_cast<DenseNetwork*>(models_[i].get())) {
      dense->forward_keeping_input(inputs, output);
    } else {
      models_[i]->forward(inputs, output);
    }
  });

  ensemble_mean(output_views_, ensemble_view_);
  penalty_output_gradients(penalty, output_views_, targets, ensemble_view_, gradient_views_);
}

void EnsembleMembers::compute_concurrent_gradients(ConstMatrixView inputs, ConstMatrixView targets,
                                                   const PenaltySettings& penalty) {
  sync_models();
  const bool parallel = runs_parallel(inputs.rows);
  forward_and_penalise(inputs, targets, penalty, parallel);

  const GradientAt at = gradient_point(penalty.loss);
  for_each_member(parallel, [&](std::size_t i) {
    models_[i]->backward(gradient_views_[i], at, parameter_gradients_[i], nullptr);
  });
}

void EnsembleMembers::concurrent_step(ConstMatrixView inputs, ConstMatrixView targets,
                                      const PenaltySettings& penalty) {
  if (lanes_ != nullptr && inputs.rows == 1) {
    lane_step(inputs, targets, penalty);
    return;
  }
  sync_models();
  lanes_stale_ = lanes_ != nullptr;
  const bool parallel = runs_parallel(inputs.rows);
  forward_and_penalise(inputs, targets, penalty, parallel);

  const GradientAt at = gradient_point(penalty.loss);
  const double scale = 1.0 / static_cast<double>(inputs.rows);
  if (momentum_ == 0.0) {
    // Plain SGD: the model may fuse the step into its gradient products. The rate is MomentumSgd's
    // learning_rate * scale, so the default backward_and_step gives that class's bits.
    const double rate = learning_rate_ * scale;
    for_each_member(parallel, [&](std::size_t i) {
      models_[i]->backward_and_step(gradient_views_[i], at, rate, parameter_gradients_[i]);
    });
    return;
  }
  for_each_member(parallel, [&](std::size_t i) {
    models_[i]->backward(gradient_views_[i], at, parameter_gradients_[i], nullptr);
    optimizers_[i].step(models_[i]->parameters(), parameter_gradients_[i], scale);
  });
}

void EnsembleMembers::sequential_step(std::size_t member, ConstMatrixView inputs, ConstMatrixView targets,
                                      const ConstMatrixView* sum, double lambda, LossKind loss) {
  sync_models();
  copy_lane_outputs();  // only this member's output is written below
  lanes_stale_ = lanes_ != nullptr;
  set_step_rows(inputs.rows);
  Model& model = *models_[member];
  MatrixView output = outputs_[member].view().rows_range(0, inputs.rows);
  model.forward(inputs, output);
  decorrelated_member_gradient(lambda, loss, output, targets, sum, gradient_views_[member]);
  model.backward(gradient_views_[member], gradient_point(loss), parameter_gradients_[member], nullptr);
  optimizers_[member].step(model.parameters(), parameter_gradients_[member], 1.0 / static_cast<double>(inputs.rows));
}

}  // namespace nclab
