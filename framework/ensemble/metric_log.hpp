#pragma once
// Collects the per-epoch metrics of a run row by row and builds EpochMetrics at the end.

#include <cstddef>
#include <vector>

#include "framework/ensemble/metrics.hpp"
#include "framework/results/run_record.hpp"

namespace nclab {

class MetricLog {
 public:
  MetricLog(std::size_t members, bool classification, bool early_stopping);

  // Appends one row. `train` and `test` cover members 0..members_in_use-1 and their ensemble, which
  // goes into column M. The columns of the other members are NaN. `validation_loss` is the ensemble's
  // validation loss, kept only with early stopping.
  void add_row(const PartMetrics& train, const PartMetrics& test, std::size_t members_in_use, double coefficient,
               int active_member, double validation_loss);

  std::size_t rows() const { return coefficient_.size(); }
  EpochMetrics build() const;

 private:
  void append(std::vector<double>& column_values, const std::vector<double>& values, std::size_t members_in_use) const;
  Matrix to_matrix(const std::vector<double>& values) const;

  std::size_t members_;
  bool classification_;
  bool early_stopping_;
  // Row-major values of each epochs x (M + 1) matrix.
  std::vector<double> train_loss_, test_loss_, train_error_rate_, test_error_rate_;
  std::vector<double> train_mse_, test_mse_, train_nrmse_, test_nrmse_;
  std::vector<double> train_ambiguity_, test_ambiguity_, coefficient_, validation_loss_;
  std::vector<int> active_member_;
};

}  // namespace nclab
