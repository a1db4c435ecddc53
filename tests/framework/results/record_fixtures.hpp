#pragma once
// Synthetic but realistic run records for the result store tests and the crash test helper: M = 3
// members of a 2-layer network, per-epoch metrics, a NaN in each correlation matrix, weight snapshots,
// test outputs, labels and standardisation. Every value is a function of the run index, so a test and
// a separate helper process build the same records.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "framework/results/run_record.hpp"
#include "framework/results/sweep.hpp"

namespace nclab::test {

struct FixtureShape {
  bool classification = true;
  std::size_t members = 3;
  std::size_t inputs = 5;
  std::size_t hidden = 4;
  std::size_t epochs = 6;
  std::size_t test_patterns = 8;
};

// splitmix64: a small deterministic generator for fixture values.
class FixtureValues {
 public:
  explicit FixtureValues(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [low, high).
  double uniform(double low, double high) {
    return low + (high - low) * static_cast<double>(next() >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

inline std::string fixture_hash(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

// Grid of `runs` runs: grid point p = index / 4 sets lambda = 0.25 p; within a point the runs cover
// folds 0..1 and seeds 1..2.
inline std::vector<GridRun> fixture_grid(std::size_t runs, bool classification = true) {
  std::vector<GridRun> grid;
  for (std::size_t i = 0; i < runs; ++i) {
    GridRun run;
    run.run_index = i;
    run.fold = i % 2;
    run.seed = (i / 2) % 2 + 1;
    const std::size_t point = i / 4;
    char lambda[32];
    std::snprintf(lambda, sizeof lambda, "%g", 0.25 * static_cast<double>(point));
    run.settings = {
        {"dataset", classification ? "australian" : "boston"},
        {"epochs", "6"},
        {"fold", std::to_string(run.fold)},
        {"lambda", lambda},
        {"members", "3"},
        {"method", "ncl"},
        {"seed", std::to_string(run.seed)},
    };
    std::string point_text;
    std::string run_text;
    for (const auto& [name, value] : run.settings) {
      run_text += name + "=" + value + ";";
      if (name != "fold" && name != "seed") point_text += name + "=" + value + ";";
    }
    run.run_id = fixture_hash(run_text);
    run.point_id = fixture_hash(point_text);
    grid.push_back(std::move(run));
  }
  return grid;
}

inline Matrix fixture_matrix(FixtureValues& values, std::size_t rows, std::size_t cols, double low, double high) {
  Matrix matrix(rows, cols);
  for (double& value : matrix.storage()) value = values.uniform(low, high);
  return matrix;
}

inline std::vector<double> fixture_vector(FixtureValues& values, std::size_t size, double low, double high) {
  std::vector<double> vector(size);
  for (double& value : vector) value = values.uniform(low, high);
  return vector;
}

inline std::vector<LayerLayout> fixture_layout(const FixtureShape& shape) {
  const std::size_t outputs = shape.classification ? 2 : 1;
  LayerLayout hidden{"layer1", 0, shape.hidden, shape.inputs, shape.hidden * shape.inputs, shape.hidden,
                     Activation::sigmoid};
  const std::size_t second = hidden.bias_offset + hidden.bias_size;
  LayerLayout output{"layer2", second, outputs, shape.hidden, second + outputs * shape.hidden, outputs,
                     shape.classification ? Activation::softmax : Activation::identity};
  return {hidden, output};
}

inline RunRecord fixture_record(const GridRun& run, const FixtureShape& shape = {},
                                RunStatus status = RunStatus::complete) {
  FixtureValues values(run.run_index * 7919 + (shape.classification ? 1 : 2));
  const std::size_t m = shape.members;
  const std::size_t e = shape.epochs;
  const std::size_t outputs = shape.classification ? 2 : 1;

  RunRecord record;
  record.run_id = run.run_id;
  record.run_index = run.run_index;
  record.point_id = run.point_id;
  record.fold = run.fold;
  record.seed = run.seed;
  record.settings.assign(run.settings.begin(), run.settings.end());
  record.status = status;
  record.epochs_completed = e;
  record.stored_epoch = static_cast<long>(e) - 1;
  record.coefficient_lambda = 0.5;
  record.coefficient_gamma = 0.5 * static_cast<double>(m) / static_cast<double>(2 * m - 2);
  record.train_seconds = values.uniform(0.5, 2.0);

  EpochMetrics& metrics = record.metrics;
  metrics.train_loss = fixture_matrix(values, e, m + 1, 0.05, 0.5);
  metrics.test_loss = fixture_matrix(values, e, m + 1, 0.05, 0.5);
  metrics.train_mse = fixture_matrix(values, e, m + 1, 0.01, 0.3);
  metrics.test_mse = fixture_matrix(values, e, m + 1, 0.01, 0.3);
  if (shape.classification) {
    metrics.train_error_rate = fixture_matrix(values, e, m + 1, 0.0, 0.4);
    metrics.test_error_rate = fixture_matrix(values, e, m + 1, 0.0, 0.4);
  } else {
    metrics.train_nrmse = fixture_matrix(values, e, m + 1, 0.1, 0.9);
    metrics.test_nrmse = fixture_matrix(values, e, m + 1, 0.1, 0.9);
  }
  metrics.train_ambiguity = fixture_vector(values, e, 0.0, 0.05);
  metrics.test_ambiguity = fixture_vector(values, e, 0.0, 0.05);
  metrics.coefficient.assign(e, 0.5);
  metrics.active_member.assign(e, -1);

  if (status == RunStatus::diverged) {
    record.diverged_epoch = static_cast<long>(e - 1);
    record.message = "loss of member 1 is not finite at epoch " + std::to_string(e - 1);
    metrics.train_loss(e - 1, 1) = std::numeric_limits<double>::infinity();
    metrics.test_loss(e - 1, 1) = std::numeric_limits<double>::quiet_NaN();
  } else if (status == RunStatus::failed) {
    record.message = "synthetic failure of run " + std::to_string(run.run_index);
  }

  for (Matrix* correlation : {&record.train_correlation, &record.test_correlation}) {
    *correlation = Matrix(m, m, 1.0);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = i + 1; j < m; ++j) {
        (*correlation)(i, j) = (*correlation)(j, i) = values.uniform(-0.2, 0.9);
      }
    }
    // A member whose errors have zero variance has an undefined correlation.
    (*correlation)(0, m - 1) = (*correlation)(m - 1, 0) = std::numeric_limits<double>::quiet_NaN();
  }

  const std::vector<LayerLayout> layout = fixture_layout(shape);
  const std::size_t parameter_count = layout.back().bias_offset + layout.back().bias_size;
  for (std::size_t i = 0; i < m; ++i) {
    record.final_parameters.push_back({layout, fixture_vector(values, parameter_count, -1.0, 1.0)});
  }
  for (std::size_t epoch : {std::size_t{2}, std::size_t{4}}) {
    WeightSnapshot snapshot;
    snapshot.epoch = epoch;
    for (std::size_t i = 0; i < m; ++i) snapshot.members.push_back(fixture_vector(values, parameter_count, -1.0, 1.0));
    record.snapshots.push_back(std::move(snapshot));
  }
  for (std::size_t i = 0; i < m; ++i) {
    record.test_outputs.push_back(fixture_matrix(values, shape.test_patterns, outputs, 0.0, 1.0));
  }

  if (shape.classification) record.label_names = {"-1", "+1 (\xc3\xa9t\xc3\xa9)"};
  record.standardizer_mean = fixture_vector(values, shape.inputs, -3.0, 3.0);
  record.standardizer_scale = fixture_vector(values, shape.inputs, 0.5, 4.0);
  return record;
}

inline SweepMetadata fixture_metadata(const std::string& command_line = "nclab run --config sweep.ini") {
  SweepMetadata metadata;
  metadata.command_line = command_line;
  metadata.configuration = "[ensemble]\nmethod = ncl\nmembers = 3\n";
  metadata.nclab_version = "0.1.0";
  metadata.git_commit = "0123456789ab";
  metadata.hdf5_version = hdf5_library_version();
  metadata.openblas_config = "OpenBLAS fixture";
  metadata.host = "fixture-host";
  return metadata;
}

}  // namespace nclab::test
