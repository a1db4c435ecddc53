#pragma once
// Everything one finished (or failed) run hands to the result store.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/model/model.hpp"

namespace nclab {

enum class RunStatus { complete, failed, diverged };
std::string to_string(RunStatus status);
// Parses "complete", "failed" or "diverged"; throws RuntimeFailure on anything else.
RunStatus parse_run_status(const std::string& text);

// Per-epoch metrics. Every matrix is epochs x (M + 1): columns 0..M-1 are the members, column M is the
// ensemble. Only the rows of completed epochs are present.
struct EpochMetrics {
  Matrix train_loss, test_loss;
  Matrix train_error_rate, test_error_rate;  // classification; empty for regression
  Matrix train_mse, test_mse;                // mean over patterns and outputs of (F - d)^2
  Matrix train_nrmse, test_nrmse;            // RMSE / standard deviation of the targets; regression
  std::vector<double> train_ambiguity, test_ambiguity;  // mean over members and patterns of (F_i - F)^2
  std::vector<double> coefficient;  // lambda(t) (gamma(t) for ncl-exact) used in each epoch
  // Sequential decorrelated training: the member (0-based) trained in each row, rows = M x epochs.
  // Concurrent training: -1 in every row.
  std::vector<int> active_member;
  // Early stopping: the ensemble loss on the validation split after each epoch; empty without it.
  std::vector<double> validation_loss;
};

struct MemberParameters {
  std::vector<LayerLayout> layout;
  std::vector<double> parameters;
};

struct WeightSnapshot {
  std::size_t epoch = 0;                 // snapshot taken after this many epochs
  std::vector<std::vector<double>> members;  // one parameter buffer per member
};

struct RunRecord {
  std::string run_id;       // 16 hex digits, a stable hash of the settings
  std::size_t run_index = 0;  // position in the expanded grid
  // 16 hex digits, a hash of the settings without seed and fold: runs that differ only in seed or
  // fold share it, and `inspect` averages over them.
  std::string point_id;
  std::size_t fold = 0;
  std::uint64_t seed = 0;
  // Every setting of the run as (name, value) text, sorted by name; also stored as HDF5 attributes.
  std::vector<std::pair<std::string, std::string>> settings;

  RunStatus status = RunStatus::complete;
  std::string message;            // empty for complete runs
  long diverged_epoch = -1;       // first epoch whose loss was not finite, or -1
  std::size_t epochs_completed = 0;
  // The metrics row (0-based) of the epoch whose weights the record stores: the last row, or with early
  // stopping the row of the restored best epoch. -1 when the initial parameters are stored.
  long stored_epoch = -1;
  double coefficient_lambda = 0;  // lambda for ncl/decorrelated, 2 gamma (M-1)/M for ncl-exact
  double coefficient_gamma = 0;   // gamma for ncl-exact, lambda M / (2M - 2) otherwise
  double train_seconds = 0;

  EpochMetrics metrics;
  Matrix train_correlation, test_correlation;  // M x M Pearson correlation of member errors, NaN if undefined
  std::vector<MemberParameters> final_parameters;
  std::vector<WeightSnapshot> snapshots;
  std::vector<Matrix> test_outputs;  // one N_test x outputs matrix per member

  std::vector<std::string> label_names;
  std::vector<double> standardizer_mean, standardizer_scale;
};

}  // namespace nclab
