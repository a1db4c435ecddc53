#include "framework/results/run_io.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "framework/core/error.hpp"
#include "framework/results/hdf5_io.hpp"

namespace nclab {

namespace {

using hdf5::Handle;

// The text of each Activation as stored in the file. It is defined here, so the stored names depend on
// this file only and not on how the model library formats activations.
std::string activation_text(Activation activation) {
  switch (activation) {
    case Activation::identity: return "identity";
    case Activation::sigmoid: return "sigmoid";
    case Activation::softmax: return "softmax";
  }
  return "unknown";
}

Activation activation_from_text(const std::string& text, const std::string& object) {
  if (text == "identity") return Activation::identity;
  if (text == "sigmoid") return Activation::sigmoid;
  if (text == "softmax") return Activation::softmax;
  throw RuntimeFailure("invalid activation '" + text + "' in " + object);
}

std::string snapshot_group_name(std::size_t epoch) {
  char name[32];
  std::snprintf(name, sizeof name, "epoch_%06zu", epoch);
  return name;
}

[[noreturn]] void reject(const RunRecord& record, const std::string& problem) {
  throw RuntimeFailure("invalid run record for run '" + record.run_id + "' (index " +
                       std::to_string(record.run_index) + "): " + problem);
}

void validate_layout(const RunRecord& record, const MemberParameters& member, std::size_t index) {
  const std::string where = "member " + std::to_string(index) + ": ";
  std::vector<int> uses(member.parameters.size(), 0);
  std::set<std::string> names;
  auto claim = [&](std::size_t offset, std::size_t count, const std::string& what) {
    if (offset > uses.size() || count > uses.size() - offset) {
      reject(record, where + what + " [" + std::to_string(offset) + ", " + std::to_string(offset + count) +
                         ") lies outside the " + std::to_string(uses.size()) + " parameters");
    }
    for (std::size_t i = offset; i < offset + count; ++i) ++uses[i];
  };
  for (const LayerLayout& layer : member.layout) {
    if (layer.name.empty() || layer.name.find('/') != std::string::npos || !names.insert(layer.name).second) {
      reject(record, where + "layer name '" + layer.name + "' is empty, contains '/' or repeats");
    }
    claim(layer.weight_offset, layer.rows * layer.cols, "weights of " + layer.name);
    claim(layer.bias_offset, layer.bias_size, "biases of " + layer.name);
  }
  if (member.layout.empty()) return;  // stored as one flat dataset
  const auto bad = std::find_if(uses.begin(), uses.end(), [](int count) { return count != 1; });
  if (bad != uses.end()) {
    reject(record, where + "parameter " + std::to_string(bad - uses.begin()) + " is covered by " +
                       std::to_string(*bad) + " layer ranges instead of exactly one");
  }
}

void write_member(hid_t parent, const std::string& name, const MemberParameters& member,
                  const std::vector<double>& parameters) {
  Handle group = hdf5::create_group(parent, name);
  hdf5::write_uint64_attribute(group.get(), "parameter_count", parameters.size());
  std::vector<std::string> layer_names;
  for (const LayerLayout& layer : member.layout) layer_names.push_back(layer.name);
  hdf5::write_string_array_attribute(group.get(), "layers", layer_names);

  if (member.layout.empty()) {
    hdf5::write_doubles(group.get(), "parameters", parameters, {parameters.size()});
    return;
  }
  for (const LayerLayout& layer : member.layout) {
    Handle layer_group = hdf5::create_group(group.get(), layer.name);
    hdf5::write_string_attribute(layer_group.get(), "activation", activation_text(layer.activation));
    hdf5::write_uint64_attribute(layer_group.get(), "weight_offset", layer.weight_offset);
    hdf5::write_uint64_attribute(layer_group.get(), "bias_offset", layer.bias_offset);
    const std::span<const double> all(parameters);
    hdf5::write_doubles(layer_group.get(), "weights", all.subspan(layer.weight_offset, layer.rows * layer.cols),
                        {layer.rows, layer.cols});
    hdf5::write_doubles(layer_group.get(), "biases", all.subspan(layer.bias_offset, layer.bias_size),
                        {layer.bias_size});
  }
}

// Reads a member group; returns its layout and parameter buffer.
MemberParameters read_member(hid_t parent, const std::string& name) {
  Handle group = hdf5::open_group(parent, name);
  MemberParameters member;
  member.parameters.assign(hdf5::read_uint64_attribute(group.get(), "parameter_count"), 0.0);
  const std::vector<std::string> layer_names = hdf5::read_string_array_attribute(group.get(), "layers");
  if (layer_names.empty()) {
    member.parameters = hdf5::read_doubles(group.get(), "parameters");
    return member;
  }
  for (const std::string& layer_name : layer_names) {
    Handle layer_group = hdf5::open_group(group.get(), layer_name);
    const std::string object = hdf5::describe(layer_group.get());
    LayerLayout layer;
    layer.name = layer_name;
    layer.activation = activation_from_text(hdf5::read_string_attribute(layer_group.get(), "activation"), object);
    layer.weight_offset = hdf5::read_uint64_attribute(layer_group.get(), "weight_offset");
    layer.bias_offset = hdf5::read_uint64_attribute(layer_group.get(), "bias_offset");

    hdf5::Shape shape;
    const std::vector<double> weights = hdf5::read_doubles(layer_group.get(), "weights", &shape);
    const std::vector<double> biases = hdf5::read_doubles(layer_group.get(), "biases");
    if (shape.size() != 2 || layer.weight_offset + weights.size() > member.parameters.size() ||
        layer.bias_offset + biases.size() > member.parameters.size()) {
      throw RuntimeFailure("layer " + object + " does not fit the member's parameter_count");
    }
    layer.rows = shape[0];
    layer.cols = shape[1];
    layer.bias_size = biases.size();
    std::copy(weights.begin(), weights.end(), member.parameters.begin() + static_cast<long>(layer.weight_offset));
    std::copy(biases.begin(), biases.end(), member.parameters.begin() + static_cast<long>(layer.bias_offset));
    member.layout.push_back(std::move(layer));
  }
  return member;
}

void write_matrix_if_shaped(hid_t location, const std::string& name, const Matrix& matrix) {
  if (matrix.rows() > 0 || matrix.cols() > 0) hdf5::write_matrix(location, name, matrix);
}

void write_vector_if_present(hid_t location, const std::string& name, const std::vector<double>& values) {
  if (!values.empty()) hdf5::write_doubles(location, name, values, {values.size()});
}

Matrix read_matrix_if_present(hid_t location, const std::string& name) {
  return hdf5::link_exists(location, name) ? hdf5::read_matrix(location, name) : Matrix();
}

std::vector<double> read_vector_if_present(hid_t location, const std::string& name) {
  return hdf5::link_exists(location, name) ? hdf5::read_doubles(location, name) : std::vector<double>();
}

void write_metrics(hid_t run, const EpochMetrics& metrics) {
  Handle group = hdf5::create_group(run, "metrics");
  write_matrix_if_shaped(group.get(), "train_loss", metrics.train_loss);
  write_matrix_if_shaped(group.get(), "test_loss", metrics.test_loss);
  write_matrix_if_shaped(group.get(), "train_error_rate", metrics.train_error_rate);
  write_matrix_if_shaped(group.get(), "test_error_rate", metrics.test_error_rate);
  write_matrix_if_shaped(group.get(), "train_mse", metrics.train_mse);
  write_matrix_if_shaped(group.get(), "test_mse", metrics.test_mse);
  write_matrix_if_shaped(group.get(), "train_nrmse", metrics.train_nrmse);
  write_matrix_if_shaped(group.get(), "test_nrmse", metrics.test_nrmse);
  write_vector_if_present(group.get(), "train_ambiguity", metrics.train_ambiguity);
  write_vector_if_present(group.get(), "test_ambiguity", metrics.test_ambiguity);
  write_vector_if_present(group.get(), "validation_loss", metrics.validation_loss);
  write_vector_if_present(group.get(), "coefficient", metrics.coefficient);
  if (!metrics.active_member.empty()) hdf5::write_int32s(group.get(), "active_member", metrics.active_member);
}

EpochMetrics read_metrics(hid_t run) {
  Handle group = hdf5::open_group(run, "metrics");
  EpochMetrics metrics;
  metrics.train_loss = read_matrix_if_present(group.get(), "train_loss");
  metrics.test_loss = read_matrix_if_present(group.get(), "test_loss");
  metrics.train_error_rate = read_matrix_if_present(group.get(), "train_error_rate");
  metrics.test_error_rate = read_matrix_if_present(group.get(), "test_error_rate");
  metrics.train_mse = read_matrix_if_present(group.get(), "train_mse");
  metrics.test_mse = read_matrix_if_present(group.get(), "test_mse");
  metrics.train_nrmse = read_matrix_if_present(group.get(), "train_nrmse");
  metrics.test_nrmse = read_matrix_if_present(group.get(), "test_nrmse");
  metrics.train_ambiguity = read_vector_if_present(group.get(), "train_ambiguity");
  metrics.test_ambiguity = read_vector_if_present(group.get(), "test_ambiguity");
  metrics.validation_loss = read_vector_if_present(group.get(), "validation_loss");
  metrics.coefficient = read_vector_if_present(group.get(), "coefficient");
  if (hdf5::link_exists(group.get(), "active_member")) {
    metrics.active_member = hdf5::read_int32s(group.get(), "active_member");
  }
  return metrics;
}

void write_run_attributes(hid_t run, const RunRecord& record) {
  hdf5::write_string_attribute(run, "run_id", record.run_id);
  hdf5::write_uint64_attribute(run, "run_index", record.run_index);
  hdf5::write_string_attribute(run, "point_id", record.point_id);
  hdf5::write_uint64_attribute(run, "fold", record.fold);
  hdf5::write_uint64_attribute(run, "seed", record.seed);
  hdf5::write_string_attribute(run, "status", to_string(record.status));
  hdf5::write_string_attribute(run, "message", record.message);
  hdf5::write_int64_attribute(run, "diverged_epoch", record.diverged_epoch);
  hdf5::write_uint64_attribute(run, "epochs_completed", record.epochs_completed);
  hdf5::write_int64_attribute(run, "stored_epoch", record.stored_epoch);
  hdf5::write_double_attribute(run, "coefficient_lambda", record.coefficient_lambda);
  hdf5::write_double_attribute(run, "coefficient_gamma", record.coefficient_gamma);
  hdf5::write_uint64_attribute(run, "member_count", record.final_parameters.size());
  // The only timing inside a run group: everything else depends on the record's results alone.
  hdf5::write_double_attribute(run, "train_seconds", record.train_seconds);
}

void read_run_attributes(hid_t run, RunRecord& record) {
  record.run_id = hdf5::read_string_attribute(run, "run_id");
  record.run_index = hdf5::read_uint64_attribute(run, "run_index");
  record.point_id = hdf5::read_string_attribute(run, "point_id");
  record.fold = hdf5::read_uint64_attribute(run, "fold");
  record.seed = hdf5::read_uint64_attribute(run, "seed");
  record.status = parse_run_status(hdf5::read_string_attribute(run, "status"));
  record.message = hdf5::read_string_attribute(run, "message");
  record.diverged_epoch = hdf5::read_int64_attribute(run, "diverged_epoch");
  record.epochs_completed = hdf5::read_uint64_attribute(run, "epochs_completed");
  // Files written before the attribute existed stored the last epoch's weights, except with early
  // stopping, which they did not record.
  record.stored_epoch = hdf5::attribute_exists(run, "stored_epoch")
                            ? hdf5::read_int64_attribute(run, "stored_epoch")
                            : static_cast<long>(record.epochs_completed) - 1;
  record.coefficient_lambda = hdf5::read_double_attribute(run, "coefficient_lambda");
  record.coefficient_gamma = hdf5::read_double_attribute(run, "coefficient_gamma");
  record.train_seconds = hdf5::read_double_attribute(run, "train_seconds");
}

void write_parameters(hid_t run, const RunRecord& record) {
  Handle members = hdf5::create_group(run, "members");
  for (std::size_t m = 0; m < record.final_parameters.size(); ++m) {
    write_member(members.get(), std::to_string(m), record.final_parameters[m], record.final_parameters[m].parameters);
  }
  if (record.snapshots.empty()) return;

  Handle snapshots = hdf5::create_group(run, "snapshots");
  for (const WeightSnapshot& snapshot : record.snapshots) {
    Handle group = hdf5::create_group(snapshots.get(), snapshot_group_name(snapshot.epoch));
    hdf5::write_uint64_attribute(group.get(), "epoch", snapshot.epoch);
    Handle snapshot_members = hdf5::create_group(group.get(), "members");
    for (std::size_t m = 0; m < snapshot.members.size(); ++m) {
      write_member(snapshot_members.get(), std::to_string(m), record.final_parameters[m], snapshot.members[m]);
    }
  }
}

void read_parameters(hid_t run, RunRecord& record) {
  Handle members = hdf5::open_group(run, "members");
  const std::size_t member_count = hdf5::link_names(members.get()).size();
  for (std::size_t m = 0; m < member_count; ++m) {
    record.final_parameters.push_back(read_member(members.get(), std::to_string(m)));
  }
  if (!hdf5::link_exists(run, "snapshots")) return;

  Handle snapshots = hdf5::open_group(run, "snapshots");
  for (const std::string& name : hdf5::link_names(snapshots.get())) {
    Handle group = hdf5::open_group(snapshots.get(), name);
    WeightSnapshot snapshot;
    snapshot.epoch = hdf5::read_uint64_attribute(group.get(), "epoch");
    Handle snapshot_members = hdf5::open_group(group.get(), "members");
    for (std::size_t m = 0; m < member_count; ++m) {
      snapshot.members.push_back(read_member(snapshot_members.get(), std::to_string(m)).parameters);
    }
    record.snapshots.push_back(std::move(snapshot));
  }
  std::sort(record.snapshots.begin(), record.snapshots.end(),
            [](const WeightSnapshot& a, const WeightSnapshot& b) { return a.epoch < b.epoch; });
}

void write_test_outputs(hid_t run, const std::vector<Matrix>& outputs) {
  if (outputs.empty()) return;
  std::vector<double> values;
  values.reserve(outputs.size() * outputs.front().size());
  for (const Matrix& member : outputs) values.insert(values.end(), member.storage().begin(), member.storage().end());
  hdf5::write_doubles(run, "test_outputs", values, {outputs.size(), outputs.front().rows(), outputs.front().cols()});
}

std::vector<Matrix> read_test_outputs(hid_t run) {
  std::vector<Matrix> outputs;
  if (!hdf5::link_exists(run, "test_outputs")) return outputs;
  hdf5::Shape shape;
  const std::vector<double> values = hdf5::read_doubles(run, "test_outputs", &shape);
  if (shape.size() != 3) throw RuntimeFailure("expected a 3-D dataset at " + hdf5::describe(run, "test_outputs"));
  const std::size_t block = shape[1] * shape[2];
  for (std::size_t m = 0; m < shape[0]; ++m) {
    Matrix member(shape[1], shape[2]);
    std::copy(values.begin() + static_cast<long>(m * block), values.begin() + static_cast<long>((m + 1) * block),
              member.storage().begin());
    outputs.push_back(std::move(member));
  }
  return outputs;
}

}  // namespace

void validate_run_record(const RunRecord& record) {
  if (record.run_id.empty() ||
      !std::all_of(record.run_id.begin(), record.run_id.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; })) {
    reject(record, "the run id must be non-empty and contain only letters, digits, '_' and '-'");
  }

  std::set<std::string> setting_names;
  for (const auto& [name, value] : record.settings) {
    if (name.empty() || !setting_names.insert(name).second) {
      reject(record, "setting name '" + name + "' is empty or repeats");
    }
  }

  if (record.stored_epoch < -1 || record.stored_epoch >= static_cast<long>(record.epochs_completed)) {
    reject(record, "stored_epoch " + std::to_string(record.stored_epoch) + " is not a metrics row of the " +
                       std::to_string(record.epochs_completed) + " epochs, nor -1");
  }

  for (std::size_t m = 0; m < record.final_parameters.size(); ++m) validate_layout(record, record.final_parameters[m], m);

  std::set<std::size_t> snapshot_epochs;
  for (const WeightSnapshot& snapshot : record.snapshots) {
    if (!snapshot_epochs.insert(snapshot.epoch).second) {
      reject(record, "two weight snapshots share epoch " + std::to_string(snapshot.epoch));
    }
    if (snapshot.members.size() != record.final_parameters.size()) {
      reject(record, "the snapshot at epoch " + std::to_string(snapshot.epoch) + " has " +
                         std::to_string(snapshot.members.size()) + " members, the final parameters " +
                         std::to_string(record.final_parameters.size()));
    }
    for (std::size_t m = 0; m < snapshot.members.size(); ++m) {
      if (snapshot.members[m].size() != record.final_parameters[m].parameters.size()) {
        reject(record, "the snapshot at epoch " + std::to_string(snapshot.epoch) + " has " +
                           std::to_string(snapshot.members[m].size()) + " parameters for member " + std::to_string(m) +
                           ", the final parameters " + std::to_string(record.final_parameters[m].parameters.size()));
      }
    }
  }

  for (const Matrix& outputs : record.test_outputs) {
    const Matrix& first = record.test_outputs.front();
    if (outputs.rows() != first.rows() || outputs.cols() != first.cols()) {
      reject(record, "test outputs of shape " + shape_string(outputs.rows(), outputs.cols()) + " and " +
                         shape_string(first.rows(), first.cols()) + " differ between members");
    }
  }

  if (record.standardizer_mean.size() != record.standardizer_scale.size()) {
    reject(record, "the standardizer has " + std::to_string(record.standardizer_mean.size()) + " means and " +
                       std::to_string(record.standardizer_scale.size()) + " scales");
  }
}

void write_run_group(hid_t parent, const std::string& name, const RunRecord& record) {
  validate_run_record(record);
  Handle run = hdf5::create_group(parent, name);
  write_run_attributes(run.get(), record);

  Handle settings = hdf5::create_group(run.get(), "settings");
  for (const auto& [setting, value] : record.settings) hdf5::write_string_attribute(settings.get(), setting, value);

  write_metrics(run.get(), record.metrics);

  Handle correlation = hdf5::create_group(run.get(), "correlation");
  write_matrix_if_shaped(correlation.get(), "train", record.train_correlation);
  write_matrix_if_shaped(correlation.get(), "test", record.test_correlation);

  write_parameters(run.get(), record);
  write_test_outputs(run.get(), record.test_outputs);

  if (!record.label_names.empty()) {
    hdf5::write_strings(run.get(), "label_names", record.label_names, {record.label_names.size()});
  }
  if (!record.standardizer_mean.empty()) {
    Handle standardizer = hdf5::create_group(run.get(), "standardizer");
    write_vector_if_present(standardizer.get(), "mean", record.standardizer_mean);
    write_vector_if_present(standardizer.get(), "scale", record.standardizer_scale);
  }
}

RunRecord read_run_group(hid_t group) {
  RunRecord record;
  read_run_attributes(group, record);

  Handle settings = hdf5::open_group(group, "settings");
  for (const std::string& name : hdf5::attribute_names(settings.get())) {
    record.settings.emplace_back(name, hdf5::read_string_attribute(settings.get(), name));
  }

  record.metrics = read_metrics(group);

  Handle correlation = hdf5::open_group(group, "correlation");
  record.train_correlation = read_matrix_if_present(correlation.get(), "train");
  record.test_correlation = read_matrix_if_present(correlation.get(), "test");

  read_parameters(group, record);
  record.test_outputs = read_test_outputs(group);

  if (hdf5::link_exists(group, "label_names")) record.label_names = hdf5::read_strings(group, "label_names");
  if (hdf5::link_exists(group, "standardizer")) {
    Handle standardizer = hdf5::open_group(group, "standardizer");
    record.standardizer_mean = read_vector_if_present(standardizer.get(), "mean");
    record.standardizer_scale = read_vector_if_present(standardizer.get(), "scale");
  }
  return record;
}

}  // namespace nclab
