// The concurrent training loop: all members step together on the same patterns.

#include <limits>

#include "framework/ensemble/training_run.hpp"

namespace nclab::detail {

void TrainingRun::train_concurrent() {
  Rng shuffle = Rng::stream(config_.seed, run_key_, 0, StreamPurpose::shuffle);
  PenaltySettings penalty;
  penalty.method = config_.method;
  penalty.indicator = config_.indicator;
  penalty.loss = config_.loss;

  save_parameters(last_finite_, 0, members_count_);
  double best_loss = std::numeric_limits<double>::infinity();
  std::size_t epochs_since_best = 0;
  if (early_stopping_) save_parameters(best_, 0, members_count_);
  best_row_ = -1;

  const std::size_t patterns = train_.rows();
  for (std::size_t epoch = 0; epoch < config_.epochs; ++epoch) {
    penalty.coefficient = coefficient_at(epoch);
    shuffle_order(shuffle);
    set_outputs_current(0, members_count_, false);
    for (std::size_t first = 0; first < patterns; first += config_.batch) {
      const std::size_t rows = std::min(config_.batch, patterns - first);
      ConstMatrixView inputs;
      ConstMatrixView targets;
      select_batch(first, rows, inputs, targets, nullptr, nullptr);
      members_->concurrent_step(inputs, targets, penalty);
    }

    if (!record_epoch(0, members_count_, members_count_, penalty.coefficient, -1)) {
      restore_parameters(last_finite_, 0, members_count_);
      return;
    }
    const bool keep_going = after_epoch();

    if (early_stopping_) {
      if (last_validation_loss_ < best_loss) {
        best_loss = last_validation_loss_;
        epochs_since_best = 0;
        save_parameters(best_, 0, members_count_);
        best_row_ = static_cast<long>(log_.rows()) - 1;
      } else if (++epochs_since_best >= config_.patience) {
        break;
      }
    }
    if (!keep_going) break;
  }
  if (early_stopping_) {
    restore_parameters(best_, 0, members_count_);
    restored_row_ = best_row_;
  }
}

}  // namespace nclab::detail
