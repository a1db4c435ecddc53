// The sequential training loop of Rosen's decorrelated networks: member j trains through all its epochs
// against the fixed outputs of the already trained members 0..j-1.

#include <limits>

#include "framework/ensemble/training_run.hpp"

namespace nclab::detail {

void TrainingRun::train_sequential() {
  save_parameters(last_finite_, 0, members_count_);
  const std::size_t patterns = train_.rows();

  for (std::size_t member = 0; member < members_count_; ++member) {
    // Every member gets the same sequence of pattern orders.
    Rng shuffle = Rng::stream(config_.seed, run_key_, 0, StreamPurpose::shuffle);
    const bool partnered =
        config_.method == Method::decorrelated && has_decorrelation_partner(config_.indicator, member);
    if (partnered) {
      // S_j from the final outputs of the earlier members, which evaluation left in train_.outputs.
      decorrelation_sum(config_.indicator, member, train_.output_views(member), train_.targets,
                        sequential_sum_.view());
    }

    double best_loss = std::numeric_limits<double>::infinity();
    std::size_t epochs_since_best = 0;
    if (early_stopping_) save_parameters(best_, member, member + 1);
    // Until this member improves, the best parameters are those after the previous row.
    best_row_ = static_cast<long>(log_.rows()) - 1;
    restored_row_ = kLastRow;

    bool keep_going = true;
    for (std::size_t epoch = 0; epoch < config_.epochs && keep_going; ++epoch) {
      const double lambda = coefficient_at(epoch);
      shuffle_order(shuffle);
      set_outputs_current(member, member + 1, false);
      for (std::size_t first = 0; first < patterns; first += config_.batch) {
        const std::size_t rows = std::min(config_.batch, patterns - first);
        ConstMatrixView inputs;
        ConstMatrixView targets;
        ConstMatrixView sum;
        select_batch(first, rows, inputs, targets, partnered ? &sequential_sum_ : nullptr, &sum);
        members_->sequential_step(member, inputs, targets, partnered ? &sum : nullptr, lambda, config_.loss);
      }

      if (!record_epoch(member, member + 1, member + 1, lambda, static_cast<int>(member))) {
        restore_parameters(last_finite_, member, member + 1);
        return;
      }
      keep_going = after_epoch();

      if (early_stopping_) {
        if (last_validation_loss_ < best_loss) {
          best_loss = last_validation_loss_;
          epochs_since_best = 0;
          save_parameters(best_, member, member + 1);
          best_row_ = static_cast<long>(log_.rows()) - 1;
        } else if (++epochs_since_best >= config_.patience) {
          break;
        }
      }
    }
    if (early_stopping_) {
      restore_parameters(best_, member, member + 1);
      restored_row_ = best_row_;
    }
    if (!keep_going) return;

    // The member is fixed from now on: its outputs feed the later members' penalties and metrics.
    evaluate_members(train_, member, member + 1);
    evaluate_members(test_, member, member + 1);
    if (early_stopping_) evaluate_members(validation_, member, member + 1);
    set_outputs_current(member, member + 1, true);
  }
}

}  // namespace nclab::detail
