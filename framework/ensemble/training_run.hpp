#pragma once
// Internal state of one train_ensemble call. The concurrent and sequential loops live in their own
// files and share the setup, evaluation and record keeping declared here.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "framework/core/rng.hpp"
#include "framework/ensemble/ensemble_members.hpp"
#include "framework/ensemble/metric_log.hpp"
#include "framework/ensemble/metrics.hpp"
#include "framework/ensemble/trainer.hpp"

namespace nclab::detail {

// One part of the data (training, validation or test) with the members' outputs on it.
struct DataPart {
  ConstMatrixView inputs;
  ConstMatrixView targets;
  std::span<const int> labels;
  double target_sd = 0.0;
  std::vector<Matrix> outputs;  // N x K per member, from the last evaluation
  Matrix ensemble;              // N x K scratch for F

  std::size_t rows() const { return inputs.rows; }
  // Views of the outputs of members 0..count-1.
  std::vector<ConstMatrixView> output_views(std::size_t count) const;
};

class TrainingRun {
 public:
  TrainingRun(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
              const MemberFactory& make_member, const TrainingObserver* observer, const TrainerOptions& options);

  RunRecord run();

 private:
  void check_data() const;
  std::vector<std::unique_ptr<Model>> create_members(const MemberFactory& make_member) const;
  void split_validation();
  void prepare_part(DataPart& part, ConstMatrixView inputs, ConstMatrixView targets, std::span<const int> labels);

  // The loops; each returns when training ends for any reason.
  void train_concurrent();
  void train_sequential();

  // The coefficient of `epoch` (0-based, within the member's phase in sequential mode).
  double coefficient_at(std::size_t epoch) const;
  // Draws a new pattern order of the training part from the shuffle stream.
  void shuffle_order(Rng& shuffle);
  // The inputs and targets of patterns order[first .. first + rows): views into the data for one
  // pattern, otherwise gathered into the batch buffers. `sum`, when not null, is gathered from
  // sequential_sum_ in the same way into *sum_batch.
  void select_batch(std::size_t first, std::size_t rows, ConstMatrixView& inputs, ConstMatrixView& targets,
                    const Matrix* sum, ConstMatrixView* sum_batch);

  // Forward passes of members [first, last) on a part, in parallel when the part is large.
  void evaluate_members(DataPart& part, std::size_t first, std::size_t last);
  // Metrics of members 0..count-1 on a part; NaN everywhere for a part without patterns.
  PartMetrics part_metrics(DataPart& part, std::size_t count);

  // Evaluates members [first, last), records the epoch and passes it to the observer. Returns false,
  // with the diverged status set, when a training loss or a parameter of those members is not finite.
  bool record_epoch(std::size_t first, std::size_t last, std::size_t members_in_use, double coefficient,
                    int active_member);
  // Takes a weight snapshot when one is due and polls the stop request. Returns false on a stop request.
  bool after_epoch();

  // Marks the train_ and test_ outputs of members [first, last) as computed from their current
  // parameters (after an evaluation) or not (before training steps and after restoring parameters).
  void set_outputs_current(std::size_t first, std::size_t last, bool current);

  void save_parameters(std::vector<std::vector<double>>& store, std::size_t first, std::size_t last) const;
  void restore_parameters(const std::vector<std::vector<double>>& store, std::size_t first, std::size_t last);
  void finish_record();

  const TrainingConfig& config_;
  const PreparedData& data_;
  std::uint64_t run_key_;
  const TrainingObserver* observer_;
  std::size_t members_count_;
  std::size_t planned_rows_;
  bool classification_;
  bool early_stopping_;

  // The training patterns after the early-stopping split, owned here only when a split happens.
  Matrix fit_inputs_, fit_targets_, validation_inputs_, validation_targets_;
  std::vector<int> fit_labels_, validation_labels_;
  DataPart train_, validation_, test_;

  std::optional<EnsembleMembers> members_;
  std::vector<std::size_t> order_;
  Matrix batch_inputs_, batch_targets_, batch_sum_;
  Matrix sequential_sum_;  // S_j on the training part for the member trained in sequential mode

  // Per member: whether train_.outputs and test_.outputs match its current parameters, so that
  // finish_record can skip a forward pass whose outputs it already has.
  std::vector<char> outputs_current_;

  // Parameters at the end of the last finite epoch, and at the best validation loss.
  std::vector<std::vector<double>> last_finite_, best_;
  // Metrics row of the parameters in best_ (-1 for parameters before any row), and the row of the
  // parameters that early stopping restored, or kLastRow when the run ends with its last epoch's.
  static constexpr long kLastRow = -2;
  long best_row_ = -1;
  long restored_row_ = kLastRow;

  MetricLog log_;
  RunRecord record_;
  bool stopped_ = false;  // diverged or stop requested
  double last_validation_loss_ = 0.0;  // ensemble validation loss of the last recorded epoch
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nclab::detail
