#include "framework/sweep/run_executor.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "framework/cli/value_list.hpp"
#include "framework/core/error.hpp"
#include "framework/core/format.hpp"
#include "framework/core/log.hpp"
#include "framework/core/rng.hpp"
#include "framework/data/loader.hpp"
#include "framework/data/prepare.hpp"
#include "framework/data/split.hpp"
#include "framework/ensemble/trainer.hpp"
#include "framework/ensemble/validation.hpp"
#include "framework/model/registry.hpp"

namespace nclab {

namespace {

// Settings that select the rows and columns of a run's data. The seed matters only for generated data.
const std::vector<std::string> kDataSettings = {"data",    "test-data", "target", "task",  "missing", "header",
                                                "format",  "horizon",   "samples", "bits", "noise"};

std::string setting(const RunSpec& run, const std::string& name, const std::string& fallback = "") {
  const auto it = run.settings.find(name);
  return it == run.settings.end() ? fallback : it->second;
}

double number_setting(const RunSpec& run, const std::string& name, double fallback) {
  const auto it = run.settings.find(name);
  return it == run.settings.end() ? fallback : parse_number(name, it->second);
}

// A softmax output layer makes the outputs of each pattern sum to 1. Regression targets are not
// normalised that way, and with the single target column of a regression every output is exactly 1.
std::string softmax_regression_message(const TrainingConfig& config, std::size_t outputs) {
  const std::string subject = config.output_activation == Activation::softmax
                                  ? "--output softmax"
                                  : "model '" + config.model + "', which builds members with softmax outputs,";
  const std::string consequence =
      outputs == 1 ? "so with one output column every output is 1 whatever the weights and the members cannot learn"
                   : "so the members cannot fit targets whose columns do not sum to 1";
  return subject + " cannot fit a regression target. A softmax output layer makes each pattern's outputs sum to 1, " +
         consequence + ". Use --output identity (what --output auto picks for regression), or --task classification " +
         "if the target holds class labels";
}

bool is_builtin(const std::string& spec) { return spec.rfind("builtin:", 0) == 0; }

LoadOptions load_options_for(const RunSpec& run) {
  LoadOptions options;
  options.target = setting(run, "target");
  const std::string task = setting(run, "task", "auto");
  if (task != "auto") options.task = parse_task(task);
  options.missing = parse_missing_policy(setting(run, "missing", "error"));
  options.header = parse_header_mode(setting(run, "header", "auto"));
  options.format = parse_file_format(setting(run, "format", "auto"));
  options.generator.seed = run.seed;
  if (run.settings.count("horizon")) options.generator.horizon = static_cast<std::size_t>(number_setting(run, "horizon", 6));
  if (run.settings.count("bits")) options.generator.bits = static_cast<std::size_t>(number_setting(run, "bits", 3));
  const double samples = number_setting(run, "samples", 0);
  if (samples > 0) options.generator.samples = static_cast<std::size_t>(samples);
  const double noise = number_setting(run, "noise", -1);
  if (noise >= 0) options.generator.noise = noise;
  return options;
}

// Appends the rows of a separate test file to the training file's dataset and marks the split.
Dataset append_test_file(Dataset train, Dataset test, const std::string& test_path) {
  if (test.inputs.cols() != train.inputs.cols()) {
    throw InputError("test file '" + test_path + "' has " + std::to_string(test.inputs.cols()) +
                     " input columns but the training file has " + std::to_string(train.inputs.cols()) +
                     ": both files need the same columns");
  }
  const std::size_t n_train = train.size();
  const std::size_t n_test = test.size();
  Matrix inputs(n_train + n_test, train.inputs.cols());
  std::copy(train.inputs.storage().begin(), train.inputs.storage().end(), inputs.storage().begin());
  std::copy(test.inputs.storage().begin(), test.inputs.storage().end(), inputs.storage().begin() + static_cast<long>(train.inputs.size()));
  train.inputs = std::move(inputs);
  if (train.task == Task::classification) {
    for (std::size_t i = 0; i < n_test; ++i) {
      const std::string& name = test.label_names[static_cast<std::size_t>(test.labels[i])];
      const auto it = std::find(train.label_names.begin(), train.label_names.end(), name);
      if (it == train.label_names.end()) {
        const std::size_t line = i < test.source_lines.size() ? test.source_lines[i] : 0;
        throw InputError("test file '" + test_path + "', line " + std::to_string(line) + ": class '" + name +
                         "' never occurs in the training file; the network has no output for it");
      }
      train.labels.push_back(static_cast<int>(it - train.label_names.begin()));
    }
  } else {
    if (test.targets.cols() != train.targets.cols()) {
      throw InputError("test file '" + test_path + "' has " + std::to_string(test.targets.cols()) +
                       " target columns but the training file has " + std::to_string(train.targets.cols()));
    }
    Matrix targets(n_train + n_test, train.targets.cols());
    std::copy(train.targets.storage().begin(), train.targets.storage().end(), targets.storage().begin());
    std::copy(test.targets.storage().begin(), test.targets.storage().end(), targets.storage().begin() + static_cast<long>(train.targets.size()));
    train.targets = std::move(targets);
  }
  train.source_lines.insert(train.source_lines.end(), test.source_lines.begin(), test.source_lines.end());
  Split split;
  split.name = "test file";
  for (std::size_t i = 0; i < n_train; ++i) split.train.push_back(i);
  for (std::size_t i = 0; i < n_test; ++i) split.test.push_back(n_train + i);
  train.predefined_split = std::move(split);
  return train;
}

}  // namespace

RunExecutor::RunExecutor(std::string data_dir, bool allow_unstable)
    : data_dir_(std::move(data_dir)), allow_unstable_(allow_unstable) {}

std::uint64_t RunExecutor::stream_key(const RunSpec& run) {
  std::string text;
  for (const auto& name : kDataSettings) {
    std::string value = setting(run, name);
    // A data file counts by its name, not by its folder: `--data australian.dat --data-dir D`,
    // `--data D/australian.dat` and `--data ./australian.dat` must train from the same weights.
    if ((name == "data" || name == "test-data") && !value.empty() && !is_builtin(value)) {
      value = std::filesystem::path(value).filename().string();
    }
    text += name + "=" + value + "\n";
  }
  text += "folds=" + setting(run, "folds") + "\ntest-fraction=" + setting(run, "test-fraction") +
          "\nfold=" + setting(run, "fold") + "\n";
  return hash_string(text);
}

std::shared_ptr<const Dataset> RunExecutor::dataset_for(const RunSpec& run) {
  std::string key;
  for (const auto& name : kDataSettings) key += name + "=" + setting(run, name) + "\n";
  if (is_builtin(setting(run, "data"))) key += "seed=" + std::to_string(run.seed) + "\n";

  std::lock_guard lock(cache_mutex_);
  const auto found = datasets_.find(key);
  if (found != datasets_.end()) return found->second;

  auto resolve = [&](const std::string& spec) {
    if (is_builtin(spec) || data_dir_.empty() || std::filesystem::path(spec).is_absolute()) return spec;
    return (std::filesystem::path(data_dir_) / spec).string();
  };
  const LoadOptions options = load_options_for(run);
  const std::string data_path = resolve(setting(run, "data"));
  Dataset dataset = load_dataset(data_path, options);
  for (const auto& warning : dataset.warnings) log_message(LogLevel::warning, data_path + ": " + warning);
  const std::string test_spec = setting(run, "test-data");
  if (!test_spec.empty()) {
    LoadOptions test_options = options;
    test_options.task = dataset.task;
    const std::string test_path = resolve(test_spec);
    dataset = append_test_file(std::move(dataset), load_dataset(test_path, test_options), test_path);
  }
  auto shared = std::make_shared<const Dataset>(std::move(dataset));
  datasets_.emplace(key, shared);
  return shared;
}

PreparedData RunExecutor::prepared_data_for(const RunSpec& run, const Dataset& dataset, bool reconstruct_inputs) {
  SplitOptions split_options;
  split_options.seed = run.seed;
  const double folds = number_setting(run, "folds", 0);
  const double test_fraction = number_setting(run, "test-fraction", 0);
  const bool separate_test_file = !setting(run, "test-data").empty();
  if (folds > 0 && separate_test_file) {
    throw InputError("--folds and --test-data both choose the test rows: use one of them");
  }
  if (folds > 0 && test_fraction > 0) {
    throw InputError("--folds " + format_number(folds) + " and --test-fraction " + format_number(test_fraction) +
                     " both choose the test rows: use one of them");
  }
  if (folds > 0) {
    split_options.folds = static_cast<std::size_t>(folds);
  } else if (test_fraction > 0) {
    if (separate_test_file) throw InputError("--test-fraction and --test-data both choose the test rows: use one");
    split_options.test_fraction = test_fraction;
  }
  std::vector<Split> splits = make_splits(dataset, split_options);
  const std::size_t index = folds > 0 ? run.fold : 0;
  PrepareOptions prepare_options;
  prepare_options.reconstruct_inputs = reconstruct_inputs;
  return prepare(dataset, splits.at(index), prepare_options);
}

TrainingConfig RunExecutor::training_config(const RunSpec& run, Task dataset_task) const {
  TrainingConfig config;
  config.model = setting(run, "model", "mlp");
  const ModelEntry& entry = ModelRegistry::instance().find(config.model);
  // A model that reconstructs its input trains a regression whatever the dataset's task (see prepare()).
  const Task task = entry.reconstructs_input ? Task::regression : dataset_task;
  config.method = parse_method(setting(run, "method", "independent"));
  config.lambda = number_setting(run, "lambda", 0);
  config.gamma = number_setting(run, "gamma", 0);
  config.indicator = parse_indicator(setting(run, "indicator", "previous"));
  config.mode = parse_training_mode(setting(run, "mode", "concurrent"));
  config.schedule.kind = parse_schedule(setting(run, "schedule", "constant"));
  config.schedule.from = number_setting(run, "schedule-from", 0);
  config.schedule.decay = number_setting(run, "decay", 0);
  config.schedule.every = static_cast<std::size_t>(number_setting(run, "step-every", 1));
  config.schedule.factor = number_setting(run, "step-factor", 0.5);
  const std::string loss = setting(run, "loss", "se");
  config.loss = loss == "ce" ? LossKind::cross_entropy : LossKind::squared_error;
  if (config.loss == LossKind::cross_entropy && entry.reconstructs_input) {
    throw InputError("--loss ce needs a classification task, but model '" + config.model +
                     "' reconstructs its inputs, a regression: use --loss se");
  }
  if (config.loss == LossKind::cross_entropy && task != Task::classification) {
    throw InputError("--loss ce needs a classification task, but " + setting(run, "data") +
                     " is a regression task: use --loss se or --task classification");
  }

  config.members = static_cast<std::size_t>(number_setting(run, "members", 1));
  for (const auto& option : entry.options) {
    config.model_options[option.name] = number_setting(run, option.name, option.default_value);
  }
  const std::string output = setting(run, "output", "auto");
  if (output == "auto" && entry.reconstructs_input) {
    config.output_activation = Activation::identity;  // reconstruction targets are standardised inputs
  } else if (output == "auto") {
    config.output_activation = task == Task::classification ? Activation::softmax : Activation::identity;
  } else {
    config.output_activation = parse_activation(output);
  }

  config.batch = static_cast<std::size_t>(number_setting(run, "batch", 1));
  config.learning_rate = number_setting(run, "learning-rate", 0.1);
  config.momentum = number_setting(run, "momentum", 0);
  config.epochs = static_cast<std::size_t>(number_setting(run, "epochs", 100));
  config.init_range = number_setting(run, "init-range", 0.5);
  config.validation_fraction = number_setting(run, "validation-fraction", 0);
  config.patience = static_cast<std::size_t>(number_setting(run, "patience", 10));
  config.snapshot_every = static_cast<std::size_t>(number_setting(run, "snapshot-every", 0));
  config.allow_unstable = allow_unstable_;
  config.seed = run.seed;
  return config;
}

void RunExecutor::check_runs(const std::vector<RunSpec>& runs) {
  // The shape of each distinct (data, fold, seed, reconstruction) part, prepared once.
  struct PartShape {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    Task task = Task::regression;
  };
  std::map<std::tuple<std::uint64_t, std::uint64_t, bool>, PartShape> shapes;
  std::set<std::string> checked_members;
  for (const auto& run : runs) {
    const auto dataset = dataset_for(run);
    const TrainingConfig config = training_config(run, dataset->task);
    validate_training_config(config);
    const ModelEntry& entry = ModelRegistry::instance().find(config.model);
    // Preparing each distinct part once catches a fold without some class in training, or a column
    // to impute without values, before any run starts.
    const auto key = std::make_tuple(stream_key(run), run.seed, entry.reconstructs_input);
    auto shape = shapes.find(key);
    if (shape == shapes.end()) {
      const PreparedData data = prepared_data_for(run, *dataset, entry.reconstructs_input);
      shape = shapes.emplace(key, PartShape{data.train_inputs.cols(), data.train_targets.cols(), data.task}).first;
    }
    check_member(config, shape->second.inputs, shape->second.outputs, shape->second.task, checked_members);
  }
}

// Builds one member of each distinct model configuration, so that options the model rejects only when
// it is built (an autoencoder asked for softmax outputs) fail before training, as invalid input.
void RunExecutor::check_member(const TrainingConfig& config, std::size_t inputs, std::size_t outputs, Task task,
                               std::set<std::string>& checked) {
  std::string key = config.model + "\n" + to_string(config.output_activation) + "\n" + std::to_string(inputs) +
                    "\n" + std::to_string(outputs) + "\n" + (task == Task::classification ? "c" : "r") + "\n";
  for (const auto& [name, value] : config.model_options) key += name + "=" + format_number(value) + "\n";
  if (!checked.insert(key).second) return;

  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig model_config =
      registry.make_config(config.model, inputs, outputs, config.output_activation, config.model_options);
  const std::unique_ptr<Model> member = registry.create(config.model, model_config);
  if (task == Task::classification && member->output_activation() != Activation::softmax) {
    throw InputError("classification needs members with softmax outputs, but model '" + config.model +
                     "' builds members with " + to_string(member->output_activation()) +
                     " outputs: remove --output or pass --output softmax");
  }
  if (task == Task::regression && member->output_activation() == Activation::softmax) {
    throw InputError(softmax_regression_message(config, outputs));
  }
}

RunRecord RunExecutor::execute(const RunSpec& run) {
  const auto dataset = dataset_for(run);
  const TrainingConfig config = training_config(run, dataset->task);
  const ModelEntry& entry = ModelRegistry::instance().find(config.model);
  const PreparedData data = prepared_data_for(run, *dataset, entry.reconstructs_input);
  for (const auto& warning : data.warnings) log_message(LogLevel::debug, warning, run.run_id);

  const std::size_t outputs = entry.reconstructs_input ? data.train_inputs.cols() : data.train_targets.cols();
  const ModelConfig model_config = ModelRegistry::instance().make_config(
      config.model, data.train_inputs.cols(), outputs, config.output_activation, config.model_options);
  const MemberFactory make_member = [&] { return ModelRegistry::instance().create(config.model, model_config); };
  return train_ensemble(config, data, stream_key(run), make_member);
}

}  // namespace nclab
