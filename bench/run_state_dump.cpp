// Trains one run exactly as `nclab train` would and writes everything a reimplementation needs to
// repeat it as .npy files into a folder. The files contain the prepared (standardised, one-hot)
// training and test parts, every member's initial parameters, the pattern order of every epoch, and
// nclab's per-epoch metrics and final parameters. bench/peers/*.py and w1_fused_reference train from these files and compare
// their results with nclab's, so that the speed comparison runs the same update from the same start.
//
//   run_state_dump OUT_DIR TRAIN_OPTIONS...
//
// TRAIN_OPTIONS are the options of `nclab train` and must select one run (with --folds, add --fold K).
// The initial parameters and pattern orders are recomputed here from the random streams that
// framework/ensemble/trainer.hpp documents, and the data preparation repeats the run executor's. The
// peers' agreement with nclab's metrics checks both, and the standardiser is compared bit for bit.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "bench/npy.hpp"
#include "framework/cli/command_line.hpp"
#include "framework/cli/option_table.hpp"
#include "framework/core/blas_setup.hpp"
#include "framework/core/error.hpp"
#include "framework/core/rng.hpp"
#include "framework/data/loader.hpp"
#include "framework/data/prepare.hpp"
#include "framework/data/split.hpp"
#include "framework/model/registry.hpp"
#include "framework/sweep/plan.hpp"
#include "framework/sweep/run_executor.hpp"

namespace nclab::bench {
namespace {

std::string setting(const RunSpec& run, const std::string& name, const std::string& fallback = "") {
  const auto it = run.settings.find(name);
  return it == run.settings.end() ? fallback : it->second;
}

// Repeats RunExecutor's data preparation for a data file with k-fold or holdout splits.
PreparedData prepare_run_data(const RunSpec& run, const std::string& data_dir) {
  std::string path = setting(run, "data");
  if (path.rfind("builtin:", 0) == 0 || !setting(run, "test-data").empty()) {
    throw InputError("run_state_dump supports a --data file with --folds or --test-fraction, not builtin data or "
                     "--test-data");
  }
  if (!data_dir.empty() && !std::filesystem::path(path).is_absolute()) {
    path = (std::filesystem::path(data_dir) / path).string();
  }
  LoadOptions load;
  load.target = setting(run, "target");
  const std::string task = setting(run, "task", "auto");
  if (task != "auto") load.task = parse_task(task);
  load.missing = parse_missing_policy(setting(run, "missing", "error"));
  load.header = parse_header_mode(setting(run, "header", "auto"));
  load.format = parse_file_format(setting(run, "format", "auto"));
  const Dataset dataset = load_dataset(path, load);

  SplitOptions split;
  split.seed = run.seed;
  const double folds = std::stod(setting(run, "folds", "0"));
  const double test_fraction = std::stod(setting(run, "test-fraction", "0"));
  if (folds > 0) {
    split.folds = static_cast<std::size_t>(folds);
  } else if (test_fraction > 0) {
    split.test_fraction = test_fraction;
  }
  const std::vector<Split> splits = make_splits(dataset, split);
  return prepare(dataset, splits.at(folds > 0 ? run.fold : 0));
}

void write_matrix(const std::filesystem::path& dir, const std::string& name, const Matrix& matrix) {
  write_npy((dir / (name + ".npy")).string(), matrix.data(), matrix.rows(), matrix.cols());
}

void write_vector(const std::filesystem::path& dir, const std::string& name, const std::vector<double>& values) {
  write_npy((dir / (name + ".npy")).string(), values.data(), values.size(), 0);
}

void write_labels(const std::filesystem::path& dir, const std::string& name, const std::vector<int>& labels) {
  const std::vector<std::int64_t> wide(labels.begin(), labels.end());
  write_npy((dir / (name + ".npy")).string(), wide.data(), wide.size(), 0);
}

int dump(const std::filesystem::path& out_dir, const std::vector<std::string>& args) {
  const std::vector<OptionSpec> table = training_options();
  const ParsedOptions options = parse_training_options("train", args, table, false);
  const SweepPlan plan = expand_grid(options, table);
  if (plan.runs.size() != 1) {
    throw InputError("the options select " + std::to_string(plan.runs.size()) +
                     " runs; run_state_dump needs exactly one (add --fold K to --folds N)");
  }
  const RunSpec& run = plan.runs.front();
  configure_blas_single_threaded();

  RunExecutor executor(options.get("data-dir"), options.flag("allow-unstable"));
  executor.check_runs(plan.runs);
  const RunRecord record = executor.execute(run);
  if (record.status != RunStatus::complete) throw RuntimeFailure("the nclab run ended with: " + record.message);

  const PreparedData data = prepare_run_data(run, options.get("data-dir"));
  if (data.standardizer.mean != record.standardizer_mean || data.standardizer.scale != record.standardizer_scale) {
    throw RuntimeFailure("the data prepared here differ from the run's: run_state_dump no longer repeats the run "
                         "executor's preparation");
  }
  const TrainingConfig config = executor.training_config(run, data.task);
  const std::uint64_t run_key = RunExecutor::stream_key(run);

  // Initial parameters and pattern orders from the streams that train_ensemble documents.
  const ModelConfig model_config = ModelRegistry::instance().make_config(
      config.model, data.train_inputs.cols(), data.train_targets.cols(), config.output_activation, config.model_options);
  std::vector<double> initial;
  std::size_t parameter_count = 0;
  std::vector<LayerLayout> layout;
  for (std::size_t i = 0; i < config.members; ++i) {
    std::unique_ptr<Model> model = ModelRegistry::instance().create(config.model, model_config);
    Rng rng = Rng::stream(config.seed, run_key, i, StreamPurpose::initialization);
    model->initialize_uniform(rng, config.init_range);
    initial.insert(initial.end(), model->parameters().begin(), model->parameters().end());
    parameter_count = model->parameter_count();
    layout = model->layout();
  }
  const std::size_t patterns = data.train_inputs.rows();
  std::vector<std::int64_t> orders;
  Rng shuffle = Rng::stream(config.seed, run_key, 0, StreamPurpose::shuffle);
  std::vector<std::size_t> order(patterns);
  for (std::size_t epoch = 0; epoch < config.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    shuffle.shuffle(std::span<std::size_t>(order));
    orders.insert(orders.end(), order.begin(), order.end());
  }

  std::filesystem::create_directories(out_dir);
  write_matrix(out_dir, "train_x", data.train_inputs);
  write_matrix(out_dir, "train_t", data.train_targets);
  write_matrix(out_dir, "test_x", data.test_inputs);
  write_matrix(out_dir, "test_t", data.test_targets);
  write_labels(out_dir, "train_labels", data.train_labels);
  write_labels(out_dir, "test_labels", data.test_labels);
  write_npy((out_dir / "initial.npy").string(), initial.data(), config.members, parameter_count);
  write_npy((out_dir / "orders.npy").string(), orders.data(), config.epochs, patterns);

  std::vector<double> final_parameters;
  for (const auto& member : record.final_parameters) {
    final_parameters.insert(final_parameters.end(), member.parameters.begin(), member.parameters.end());
  }
  write_npy((out_dir / "nclab_final.npy").string(), final_parameters.data(), config.members, parameter_count);
  const EpochMetrics& metrics = record.metrics;
  write_matrix(out_dir, "nclab_train_loss", metrics.train_loss);
  write_matrix(out_dir, "nclab_test_loss", metrics.test_loss);
  write_matrix(out_dir, "nclab_train_mse", metrics.train_mse);
  write_matrix(out_dir, "nclab_test_mse", metrics.test_mse);
  if (data.task == Task::classification) {
    write_matrix(out_dir, "nclab_train_error_rate", metrics.train_error_rate);
    write_matrix(out_dir, "nclab_test_error_rate", metrics.test_error_rate);
  }
  write_vector(out_dir, "nclab_train_ambiguity", metrics.train_ambiguity);
  write_vector(out_dir, "nclab_test_ambiguity", metrics.test_ambiguity);

  // The run's settings as JSON, with the layers in parameter-buffer order.
  std::ofstream meta(out_dir / "meta.json");
  meta.precision(17);
  meta << "{\n  \"method\": \"" << to_string(config.method) << "\",\n"
       << "  \"lambda\": " << config.lambda << ",\n"
       << "  \"loss\": \"" << to_string(config.loss) << "\",\n"
       << "  \"members\": " << config.members << ",\n"
       << "  \"batch\": " << config.batch << ",\n"
       << "  \"learning_rate\": " << config.learning_rate << ",\n"
       << "  \"momentum\": " << config.momentum << ",\n"
       << "  \"epochs\": " << config.epochs << ",\n"
       << "  \"init_range\": " << config.init_range << ",\n"
       << "  \"classification\": " << (data.task == Task::classification ? "true" : "false") << ",\n"
       << "  \"train_seconds\": " << record.train_seconds << ",\n"
       << "  \"layers\": [";
  for (std::size_t l = 0; l < layout.size(); ++l) {
    meta << (l == 0 ? "\n" : ",\n") << "    {\"units\": " << layout[l].rows << ", \"inputs\": " << layout[l].cols
         << ", \"activation\": \"" << to_string(layout[l].activation) << "\", \"weight_offset\": "
         << layout[l].weight_offset << ", \"bias_offset\": " << layout[l].bias_offset << "}";
  }
  meta << "\n  ]\n}\n";
  if (!meta) throw std::runtime_error("failed to write " + (out_dir / "meta.json").string());
  return 0;
}

}  // namespace
}  // namespace nclab::bench

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: run_state_dump OUT_DIR TRAIN_OPTIONS...  (the options of `nclab train`, one run)\n";
    return 2;
  }
  try {
    return nclab::bench::dump(argv[1], std::vector<std::string>(argv + 2, argv + argc));
  } catch (const nclab::InputError& error) {
    std::cerr << "run_state_dump: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "run_state_dump: " << error.what() << "\n";
    return 1;
  }
}
