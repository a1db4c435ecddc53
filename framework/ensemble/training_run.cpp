#include "framework/ensemble/training_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "framework/core/error.hpp"
#include "framework/ensemble/schedule.hpp"
#include "framework/ensemble/validation.hpp"

namespace nclab::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string six_digits(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

PartMetrics nan_metrics(std::size_t members_in_use, bool classification) {
  PartMetrics metrics;
  metrics.loss.assign(members_in_use + 1, kNaN);
  metrics.mse.assign(members_in_use + 1, kNaN);
  (classification ? metrics.error_rate : metrics.nrmse).assign(members_in_use + 1, kNaN);
  metrics.ambiguity = kNaN;
  return metrics;
}

}  // namespace

std::vector<ConstMatrixView> DataPart::output_views(std::size_t count) const {
  std::vector<ConstMatrixView> views;
  views.reserve(count);
  for (std::size_t i = 0; i < count; ++i) views.push_back(outputs[i].view());
  return views;
}

TrainingRun::TrainingRun(const TrainingConfig& config, const PreparedData& data, std::uint64_t run_key,
                         const MemberFactory& make_member, const TrainingObserver* observer,
                         const TrainerOptions& options)
    : config_(config),
      data_(data),
      run_key_(run_key),
      observer_(observer),
      members_count_(config.members),
      planned_rows_(config.mode == TrainingMode::sequential ? config.members * config.epochs : config.epochs),
      classification_(data.task == Task::classification),
      early_stopping_(config.validation_fraction > 0.0),
      log_(config.members, data.task == Task::classification, config.validation_fraction > 0.0) {
  validate_training_config(config_);
  check_data();
  start_ = std::chrono::steady_clock::now();

  auto models = create_members(make_member);
  split_validation();
  prepare_part(test_, data_.test_inputs.view(), data_.test_targets.view(), data_.test_labels);

  const std::size_t capacity = std::min(config_.batch, train_.rows());
  members_.emplace(std::move(models), capacity, config_.learning_rate, config_.momentum,
                   options.parallel_member_work,
                   options.member_lanes && config_.mode == TrainingMode::concurrent);
  if (capacity > 1) {
    batch_inputs_ = Matrix(capacity, train_.inputs.cols);
    batch_targets_ = Matrix(capacity, train_.targets.cols);
    batch_sum_ = Matrix(capacity, train_.targets.cols);
  }
  if (config_.mode == TrainingMode::sequential) sequential_sum_ = Matrix(train_.rows(), train_.targets.cols);
  order_.resize(train_.rows());
  outputs_current_.assign(members_count_, 0);
}

void TrainingRun::check_data() const {
  const std::size_t rows = data_.train_inputs.rows();
  const std::size_t features = data_.train_inputs.cols();
  const std::size_t outputs = data_.train_targets.cols();
  if (rows == 0) throw InputError("the training part has no patterns: check the split settings");
  if (data_.train_targets.rows() != rows) {
    throw InputError("the training part has " + std::to_string(rows) + " input rows but " +
                     std::to_string(data_.train_targets.rows()) + " target rows");
  }
  if (outputs == 0) throw InputError("the training targets have no columns");
  if (data_.test_inputs.rows() != data_.test_targets.rows()) {
    throw InputError("the test part has " + std::to_string(data_.test_inputs.rows()) + " input rows but " +
                     std::to_string(data_.test_targets.rows()) + " target rows");
  }
  if (data_.test_inputs.rows() > 0 &&
      (data_.test_inputs.cols() != features || data_.test_targets.cols() != outputs)) {
    throw InputError("the test part is " + shape_string(data_.test_inputs.rows(), data_.test_inputs.cols()) +
                     " inputs and " + shape_string(data_.test_targets.rows(), data_.test_targets.cols()) +
                     " targets, but training uses " + std::to_string(features) + " inputs and " +
                     std::to_string(outputs) + " targets per pattern");
  }
  if (config_.loss == LossKind::cross_entropy && !classification_) {
    throw InputError("--loss ce (cross-entropy) is invalid for a regression dataset: use --loss se (squared error)");
  }
  if (!classification_) return;
  if (outputs < 2) {
    // One class gives one softmax output, which is 1 whatever the weights: there is nothing to learn.
    const std::string name = data_.label_names.empty() ? "" : " ('" + data_.label_names.front() + "')";
    throw InputError("the target contains a single class" + name +
                     ", but classification needs at least 2 classes. Choose another column with --target, or "
                     "pass --task regression if the column contains numbers to fit");
  }

  const auto check_labels = [&](const std::vector<int>& labels, std::size_t expected, const char* part) {
    if (labels.size() != expected) {
      throw InputError(std::string("the ") + part + " part has " + std::to_string(expected) + " patterns but " +
                       std::to_string(labels.size()) + " labels");
    }
    for (int label : labels) {
      if (label < 0 || static_cast<std::size_t>(label) >= outputs) {
        throw InputError(std::string("the ") + part + " part has label " + std::to_string(label) + ", outside 0.." +
                         std::to_string(outputs - 1) + " for " + std::to_string(outputs) + " classes");
      }
    }
  };
  check_labels(data_.train_labels, rows, "training");
  check_labels(data_.test_labels, data_.test_inputs.rows(), "test");
}

std::vector<std::unique_ptr<Model>> TrainingRun::create_members(const MemberFactory& make_member) const {
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < members_count_; ++i) {
    std::unique_ptr<Model> model = make_member();
    if (!model) throw RuntimeFailure("the member factory returned no model for member index " + std::to_string(i));
    if (model->input_size() != data_.train_inputs.cols() || model->output_size() != data_.train_targets.cols()) {
      throw InputError("model '" + config_.model + "' maps " + std::to_string(model->input_size()) + " inputs to " +
                       std::to_string(model->output_size()) + " outputs, but the data have " +
                       std::to_string(data_.train_inputs.cols()) + " features and " +
                       std::to_string(data_.train_targets.cols()) + " target columns");
    }
    if (classification_ && model->output_activation() != Activation::softmax) {
      throw InputError("classification needs members with softmax outputs, but model '" + config_.model +
                       "' builds members without a softmax output layer");
    }
    if (!classification_ && model->output_activation() == Activation::softmax) {
      throw InputError("regression needs members without a softmax output layer, but model '" + config_.model +
                       "' builds members with one: softmax outputs sum to 1 for each pattern, so they cannot "
                       "fit a regression target. Use identity outputs");
    }
    Rng rng = Rng::stream(config_.seed, run_key_, i, StreamPurpose::initialization);
    model->initialize_uniform(rng, config_.init_range);
    models.push_back(std::move(model));
  }
  return models;
}

void TrainingRun::prepare_part(DataPart& part, ConstMatrixView inputs, ConstMatrixView targets,
                               std::span<const int> labels) {
  part.inputs = inputs;
  part.targets = targets;
  part.labels = labels;
  part.target_sd = target_standard_deviation(targets);
  part.outputs.clear();
  for (std::size_t i = 0; i < members_count_; ++i) part.outputs.emplace_back(targets.rows, targets.cols);
  part.ensemble = Matrix(targets.rows, targets.cols);
}

void TrainingRun::split_validation() {
  if (!early_stopping_) {
    prepare_part(train_, data_.train_inputs.view(), data_.train_targets.view(), data_.train_labels);
    return;
  }
  const std::size_t rows = data_.train_inputs.rows();
  if (rows < 2) {
    throw InputError("early stopping (--validation-fraction " + six_digits(config_.validation_fraction) +
                     ") needs at least 2 training patterns, got " + std::to_string(rows));
  }
  const auto requested_rows =
      static_cast<std::size_t>(std::llround(config_.validation_fraction * static_cast<double>(rows)));
  const std::size_t validation_rows = std::clamp<std::size_t>(requested_rows, 1, rows - 1);

  std::vector<std::size_t> permutation(rows);
  std::iota(permutation.begin(), permutation.end(), 0);
  Rng split = Rng::stream(config_.seed, run_key_, 0, StreamPurpose::split);
  split.shuffle(std::span<std::size_t>(permutation));
  std::vector<std::size_t> validation(permutation.begin(), permutation.begin() + static_cast<long>(validation_rows));
  std::vector<std::size_t> fit(permutation.begin() + static_cast<long>(validation_rows), permutation.end());
  std::sort(validation.begin(), validation.end());
  std::sort(fit.begin(), fit.end());

  fit_inputs_ = gather_rows(data_.train_inputs.view(), fit);
  fit_targets_ = gather_rows(data_.train_targets.view(), fit);
  validation_inputs_ = gather_rows(data_.train_inputs.view(), validation);
  validation_targets_ = gather_rows(data_.train_targets.view(), validation);
  if (classification_) {
    for (std::size_t row : fit) fit_labels_.push_back(data_.train_labels[row]);
    for (std::size_t row : validation) validation_labels_.push_back(data_.train_labels[row]);
  }
  prepare_part(train_, fit_inputs_.view(), fit_targets_.view(), fit_labels_);
  prepare_part(validation_, validation_inputs_.view(), validation_targets_.view(), validation_labels_);
}

double TrainingRun::coefficient_at(std::size_t epoch) const {
  if (config_.method == Method::independent) return 0.0;
  const double coefficient = config_.method == Method::ncl_exact ? config_.gamma : config_.lambda;
  return scheduled_coefficient(config_.schedule, coefficient, epoch, config_.epochs);
}

void TrainingRun::shuffle_order(Rng& shuffle) {
  std::iota(order_.begin(), order_.end(), 0);
  shuffle.shuffle(std::span<std::size_t>(order_));
}

void TrainingRun::select_batch(std::size_t first, std::size_t rows, ConstMatrixView& inputs,
                               ConstMatrixView& targets, const Matrix* sum, ConstMatrixView* sum_batch) {
  if (rows == 1) {
    const std::size_t pattern = order_[first];
    inputs = train_.inputs.rows_range(pattern, 1);
    targets = train_.targets.rows_range(pattern, 1);
    if (sum != nullptr) *sum_batch = sum->view().rows_range(pattern, 1);
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t pattern = order_[first + r];
    std::copy_n(train_.inputs.row(pattern).data(), train_.inputs.cols, batch_inputs_.row(r).data());
    std::copy_n(train_.targets.row(pattern).data(), train_.targets.cols, batch_targets_.row(r).data());
    if (sum != nullptr) std::copy_n(sum->row(pattern).data(), sum->cols(), batch_sum_.row(r).data());
  }
  inputs = batch_inputs_.view().rows_range(0, rows);
  targets = batch_targets_.view().rows_range(0, rows);
  if (sum != nullptr) *sum_batch = batch_sum_.view().rows_range(0, rows);
}

void TrainingRun::evaluate_members(DataPart& part, std::size_t first, std::size_t last) {
  if (part.rows() == 0) return;
  if (members_->predict_all_on_lanes(part.inputs, part.outputs, first, last)) return;
  const bool parallel = last - first > 1 && members_->runs_parallel(part.rows());
  members_->for_each_member(parallel, [&](std::size_t i) {
    if (i < first || i >= last) return;
    MatrixView output = part.outputs[i].view();
    members_->member(i).predict(part.inputs, output);
  });
}

PartMetrics TrainingRun::part_metrics(DataPart& part, std::size_t count) {
  if (part.rows() == 0) return nan_metrics(count, classification_);
  return evaluate_part(part.output_views(count), part.targets, part.labels, classification_, config_.loss,
                       part.target_sd, part.ensemble.view());
}

bool TrainingRun::record_epoch(std::size_t first, std::size_t last, std::size_t members_in_use, double coefficient,
                               int active_member) {
  evaluate_members(train_, first, last);
  evaluate_members(test_, first, last);
  if (early_stopping_) evaluate_members(validation_, first, last);
  set_outputs_current(first, last, true);

  const PartMetrics train = part_metrics(train_, members_in_use);
  const PartMetrics test = part_metrics(test_, members_in_use);
  last_validation_loss_ = early_stopping_ ? part_metrics(validation_, members_in_use).loss.back() : kNaN;

  // Divergence: a training loss or a parameter of a member trained in this epoch is not finite.
  std::string cause;
  for (std::size_t i = first; i < last && cause.empty(); ++i) {
    if (!std::isfinite(train.loss[i])) {
      cause = "the training loss of member index " + std::to_string(i) + " is " + six_digits(train.loss[i]);
      break;
    }
    for (double value : members_->member(i).parameters()) {
      if (!std::isfinite(value)) {
        cause = "a parameter of member index " + std::to_string(i) + " is " + six_digits(value);
        break;
      }
    }
  }
  if (!cause.empty()) {
    record_.status = RunStatus::diverged;
    record_.diverged_epoch = static_cast<long>(log_.rows());
    const std::string kept = log_.rows() == 0 ? "the initial parameters were kept"
                                              : "the parameters of the last finite epoch were kept";
    record_.message = "training diverged in epoch " + std::to_string(log_.rows()) + ": " + cause + "; " + kept +
                      ". Lower --learning-rate or the penalty coefficient.";
    stopped_ = true;
    return false;
  }

  log_.add_row(train, test, members_in_use, coefficient, active_member, last_validation_loss_);
  save_parameters(last_finite_, first, last);
  if (observer_ != nullptr && observer_->epoch_done) {
    EpochProgress progress;
    progress.row = log_.rows() - 1;
    progress.planned_rows = planned_rows_;
    progress.active_member = active_member;
    progress.coefficient = coefficient;
    progress.train_loss = train.loss.back();
    progress.test_loss = test.loss.back();
    observer_->epoch_done(progress);
  }
  return true;
}

bool TrainingRun::after_epoch() {
  const std::size_t rows = log_.rows();
  if (config_.snapshot_every > 0 && rows % config_.snapshot_every == 0) {
    WeightSnapshot snapshot;
    snapshot.epoch = rows;
    for (std::size_t i = 0; i < members_count_; ++i) {
      const auto parameters = members_->member(i).parameters();
      snapshot.members.emplace_back(parameters.begin(), parameters.end());
    }
    record_.snapshots.push_back(std::move(snapshot));
  }
  if (observer_ != nullptr && observer_->stop_requested && observer_->stop_requested()) {
    record_.status = RunStatus::failed;
    record_.message = "training stopped on request after " + std::to_string(rows) + " of " +
                      std::to_string(planned_rows_) + " epochs";
    stopped_ = true;
    return false;
  }
  return true;
}

void TrainingRun::set_outputs_current(std::size_t first, std::size_t last, bool current) {
  std::fill(outputs_current_.begin() + static_cast<long>(first), outputs_current_.begin() + static_cast<long>(last),
            current ? 1 : 0);
}

void TrainingRun::save_parameters(std::vector<std::vector<double>>& store, std::size_t first, std::size_t last) const {
  store.resize(members_count_);
  for (std::size_t i = first; i < last; ++i) {
    const auto parameters = members_->member(i).parameters();
    store[i].assign(parameters.begin(), parameters.end());
  }
}

void TrainingRun::restore_parameters(const std::vector<std::vector<double>>& store, std::size_t first,
                                     std::size_t last) {
  for (std::size_t i = first; i < last; ++i) {
    const auto parameters = members_->member(i).parameters();
    std::copy(store[i].begin(), store[i].end(), parameters.begin());
  }
  set_outputs_current(first, last, false);
}

RunRecord TrainingRun::run() {
  if (config_.mode == TrainingMode::sequential) {
    train_sequential();
  } else {
    train_concurrent();
  }
  finish_record();
  return std::move(record_);
}

void TrainingRun::finish_record() {
  record_.metrics = log_.build();
  record_.epochs_completed = log_.rows();
  record_.stored_epoch = restored_row_ == kLastRow ? static_cast<long>(log_.rows()) - 1 : restored_row_;

  // Final outputs of every member with the parameters the run ends with. The last epoch's evaluation
  // usually computed them already; the forward pass is deterministic, so reusing them changes nothing.
  if (std::find(outputs_current_.begin(), outputs_current_.end(), 0) != outputs_current_.end()) {
    evaluate_members(train_, 0, members_count_);
    evaluate_members(test_, 0, members_count_);
  }
  record_.train_correlation = error_correlation(train_.output_views(members_count_), train_.targets);
  record_.test_correlation = test_.rows() > 0 ? error_correlation(test_.output_views(members_count_), test_.targets)
                                              : Matrix(members_count_, members_count_, kNaN);
  record_.test_outputs = test_.outputs;

  for (std::size_t i = 0; i < members_count_; ++i) {
    const Model& model = members_->member(i);
    const auto parameters = model.parameters();
    record_.final_parameters.push_back({model.layout(), std::vector<double>(parameters.begin(), parameters.end())});
  }

  const double m = static_cast<double>(members_count_);
  if (config_.method == Method::ncl_exact) {
    record_.coefficient_gamma = config_.gamma;
    record_.coefficient_lambda = equivalent_lambda(config_.gamma, members_count_);
  } else {
    const double lambda = config_.method == Method::independent ? 0.0 : config_.lambda;
    record_.coefficient_lambda = lambda;
    // One member has no NCL coupling, so only lambda = 0 has an equivalent gamma.
    record_.coefficient_gamma = members_count_ > 1 ? lambda * m / (2.0 * m - 2.0) : (lambda == 0.0 ? 0.0 : kNaN);
  }

  record_.label_names = data_.label_names;
  record_.standardizer_mean = data_.standardizer.mean;
  record_.standardizer_scale = data_.standardizer.scale;
  record_.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace nclab::detail
