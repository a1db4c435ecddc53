#include "framework/distributed/run_record_codec.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "framework/core/error.hpp"

namespace nclab {

namespace {

// "NCLRREC" and format version 1 in the low byte. Read in the other byte order it becomes kSwappedMagic.
constexpr std::uint64_t kMagic = 0x4e434c5252454301ULL;
constexpr std::uint64_t kSwappedMagic = __builtin_bswap64(kMagic);

class ByteWriter {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::size_t at = bytes_.size();
    bytes_.resize(at + sizeof value);
    std::memcpy(bytes_.data() + at, &value, sizeof value);
  }
  void put_size(std::size_t value) { put(static_cast<std::uint64_t>(value)); }

  void put_string(const std::string& text) {
    put_size(text.size());
    const std::size_t at = bytes_.size();
    bytes_.resize(at + text.size());
    if (!text.empty()) std::memcpy(bytes_.data() + at, text.data(), text.size());
  }

  template <typename T>
  void put_array(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_size(values.size());
    const std::size_t at = bytes_.size();
    bytes_.resize(at + values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes_.data() + at, values.data(), values.size() * sizeof(T));
  }

  void put_matrix(const Matrix& matrix) {
    put_size(matrix.rows());
    put_size(matrix.cols());
    put_array(matrix.storage());
  }

  void put_strings(const std::vector<std::string>& texts) {
    put_size(texts.size());
    for (const std::string& text : texts) put_string(text);
  }

  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  template <typename T>
  T get(const char* what) {
    static_assert(std::is_trivially_copyable_v<T>);
    require(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof value);
    offset_ += sizeof value;
    return value;
  }

  std::size_t get_size(const char* what) {
    const std::uint64_t value = get<std::uint64_t>(what);
    if (value > bytes_.size()) fail(std::string(what) + " is " + std::to_string(value) + ", more than the record holds");
    return static_cast<std::size_t>(value);
  }

  // A count of elements that each take at least `element_bytes` of the remaining input, checked before
  // anything is allocated, so that a damaged count cannot request gigabytes.
  std::size_t get_count(std::size_t element_bytes, const char* what) {
    const std::size_t count = get_size(what);
    if (element_bytes > 0 && count > (bytes_.size() - offset_) / element_bytes) {
      fail(std::string(what) + " of " + std::to_string(count) + " elements exceeds the remaining " +
           std::to_string(bytes_.size() - offset_) + " bytes");
    }
    return count;
  }

  std::string get_string(const char* what) {
    const std::size_t size = get_count(1, what);
    std::string text(reinterpret_cast<const char*>(bytes_.data() + offset_), size);
    offset_ += size;
    return text;
  }

  template <typename T>
  std::vector<T> get_array(const char* what) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::size_t count = get_count(sizeof(T), what);
    std::vector<T> values(count);
    if (count > 0) std::memcpy(values.data(), bytes_.data() + offset_, count * sizeof(T));
    offset_ += count * sizeof(T);
    return values;
  }

  Matrix get_matrix(const char* what) {
    const std::size_t rows = get_size(what);
    const std::size_t cols = get_size(what);
    std::vector<double> values = get_array<double>(what);
    if (values.size() != rows * cols) {
      fail(std::string(what) + " is " + shape_string(rows, cols) + " but holds " + std::to_string(values.size()) +
           " values");
    }
    Matrix matrix(rows, cols);
    matrix.storage() = std::move(values);
    return matrix;
  }

  std::vector<std::string> get_strings(const char* what) {
    // Each string takes at least its 8-byte length.
    std::vector<std::string> texts(get_count(sizeof(std::uint64_t), what));
    for (std::string& text : texts) text = get_string(what);
    return texts;
  }

  void expect_end() const {
    if (offset_ != bytes_.size()) {
      fail(std::to_string(bytes_.size() - offset_) + " bytes left over after the last field");
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw RuntimeFailure("invalid encoded run record (" + std::to_string(bytes_.size()) + " bytes, at byte " +
                         std::to_string(offset_) + "): " + problem);
  }

 private:
  void require(std::size_t size, const char* what) const {
    if (size > bytes_.size() - offset_) fail(std::string("truncated before ") + what);
  }

  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
};

void put_metrics(ByteWriter& out, const EpochMetrics& metrics) {
  out.put_matrix(metrics.train_loss);
  out.put_matrix(metrics.test_loss);
  out.put_matrix(metrics.train_error_rate);
  out.put_matrix(metrics.test_error_rate);
  out.put_matrix(metrics.train_mse);
  out.put_matrix(metrics.test_mse);
  out.put_matrix(metrics.train_nrmse);
  out.put_matrix(metrics.test_nrmse);
  out.put_array(metrics.train_ambiguity);
  out.put_array(metrics.test_ambiguity);
  out.put_array(metrics.coefficient);
  out.put_array(metrics.active_member);
  out.put_array(metrics.validation_loss);
}

EpochMetrics get_metrics(ByteReader& in) {
  EpochMetrics metrics;
  metrics.train_loss = in.get_matrix("metrics.train_loss");
  metrics.test_loss = in.get_matrix("metrics.test_loss");
  metrics.train_error_rate = in.get_matrix("metrics.train_error_rate");
  metrics.test_error_rate = in.get_matrix("metrics.test_error_rate");
  metrics.train_mse = in.get_matrix("metrics.train_mse");
  metrics.test_mse = in.get_matrix("metrics.test_mse");
  metrics.train_nrmse = in.get_matrix("metrics.train_nrmse");
  metrics.test_nrmse = in.get_matrix("metrics.test_nrmse");
  metrics.train_ambiguity = in.get_array<double>("metrics.train_ambiguity");
  metrics.test_ambiguity = in.get_array<double>("metrics.test_ambiguity");
  metrics.coefficient = in.get_array<double>("metrics.coefficient");
  metrics.active_member = in.get_array<int>("metrics.active_member");
  metrics.validation_loss = in.get_array<double>("metrics.validation_loss");
  return metrics;
}

void put_layer(ByteWriter& out, const LayerLayout& layer) {
  out.put_string(layer.name);
  out.put_size(layer.weight_offset);
  out.put_size(layer.rows);
  out.put_size(layer.cols);
  out.put_size(layer.bias_offset);
  out.put_size(layer.bias_size);
  out.put(static_cast<std::int32_t>(layer.activation));
}

LayerLayout get_layer(ByteReader& in) {
  LayerLayout layer;
  layer.name = in.get_string("layer name");
  layer.weight_offset = static_cast<std::size_t>(in.get<std::uint64_t>("layer weight_offset"));
  layer.rows = static_cast<std::size_t>(in.get<std::uint64_t>("layer rows"));
  layer.cols = static_cast<std::size_t>(in.get<std::uint64_t>("layer cols"));
  layer.bias_offset = static_cast<std::size_t>(in.get<std::uint64_t>("layer bias_offset"));
  layer.bias_size = static_cast<std::size_t>(in.get<std::uint64_t>("layer bias_size"));
  const std::int32_t activation = in.get<std::int32_t>("layer activation");
  if (activation < static_cast<std::int32_t>(Activation::identity) ||
      activation > static_cast<std::int32_t>(Activation::softmax)) {
    in.fail("invalid activation code " + std::to_string(activation) + " in layer '" + layer.name + "'");
  }
  layer.activation = static_cast<Activation>(activation);
  return layer;
}

void put_members(ByteWriter& out, const std::vector<MemberParameters>& members) {
  out.put_size(members.size());
  for (const MemberParameters& member : members) {
    out.put_size(member.layout.size());
    for (const LayerLayout& layer : member.layout) put_layer(out, layer);
    out.put_array(member.parameters);
  }
}

std::vector<MemberParameters> get_members(ByteReader& in) {
  // A member takes at least its two 8-byte counts, a layer at least its five sizes.
  std::vector<MemberParameters> members(in.get_count(2 * sizeof(std::uint64_t), "member count"));
  for (MemberParameters& member : members) {
    member.layout.resize(in.get_count(5 * sizeof(std::uint64_t), "layer count"));
    for (LayerLayout& layer : member.layout) layer = get_layer(in);
    member.parameters = in.get_array<double>("member parameters");
  }
  return members;
}

void put_snapshots(ByteWriter& out, const std::vector<WeightSnapshot>& snapshots) {
  out.put_size(snapshots.size());
  for (const WeightSnapshot& snapshot : snapshots) {
    out.put_size(snapshot.epoch);
    out.put_size(snapshot.members.size());
    for (const std::vector<double>& parameters : snapshot.members) out.put_array(parameters);
  }
}

std::vector<WeightSnapshot> get_snapshots(ByteReader& in) {
  std::vector<WeightSnapshot> snapshots(in.get_count(2 * sizeof(std::uint64_t), "snapshot count"));
  for (WeightSnapshot& snapshot : snapshots) {
    snapshot.epoch = static_cast<std::size_t>(in.get<std::uint64_t>("snapshot epoch"));
    snapshot.members.resize(in.get_count(sizeof(std::uint64_t), "snapshot member count"));
    for (std::vector<double>& parameters : snapshot.members) parameters = in.get_array<double>("snapshot parameters");
  }
  return snapshots;
}

}  // namespace

std::vector<std::byte> encode_run_record(const RunRecord& record) {
  ByteWriter out;
  out.put(kMagic);
  out.put_string(record.run_id);
  out.put_size(record.run_index);
  out.put_string(record.point_id);
  out.put_size(record.fold);
  out.put(static_cast<std::uint64_t>(record.seed));
  out.put_size(record.settings.size());
  for (const auto& [name, value] : record.settings) {
    out.put_string(name);
    out.put_string(value);
  }

  out.put(static_cast<std::int32_t>(record.status));
  out.put_string(record.message);
  out.put(static_cast<std::int64_t>(record.diverged_epoch));
  out.put_size(record.epochs_completed);
  out.put(static_cast<std::int64_t>(record.stored_epoch));
  out.put(record.coefficient_lambda);
  out.put(record.coefficient_gamma);
  out.put(record.train_seconds);

  put_metrics(out, record.metrics);
  out.put_matrix(record.train_correlation);
  out.put_matrix(record.test_correlation);
  put_members(out, record.final_parameters);
  put_snapshots(out, record.snapshots);
  out.put_size(record.test_outputs.size());
  for (const Matrix& outputs : record.test_outputs) out.put_matrix(outputs);

  out.put_strings(record.label_names);
  out.put_array(record.standardizer_mean);
  out.put_array(record.standardizer_scale);
  return out.take();
}

RunRecord decode_run_record(std::span<const std::byte> bytes) {
  ByteReader in(bytes);
  const std::uint64_t magic = in.get<std::uint64_t>("the format marker");
  if (magic == kSwappedMagic) in.fail("encoded on a machine with the other byte order");
  if (magic != kMagic) in.fail("not an nclab run record of this format version");

  RunRecord record;
  record.run_id = in.get_string("run_id");
  record.run_index = static_cast<std::size_t>(in.get<std::uint64_t>("run_index"));
  record.point_id = in.get_string("point_id");
  record.fold = static_cast<std::size_t>(in.get<std::uint64_t>("fold"));
  record.seed = in.get<std::uint64_t>("seed");
  // A setting takes at least its two 8-byte lengths.
  record.settings.resize(in.get_count(2 * sizeof(std::uint64_t), "setting count"));
  for (auto& [name, value] : record.settings) {
    name = in.get_string("setting name");
    value = in.get_string("setting value");
  }

  const std::int32_t status = in.get<std::int32_t>("status");
  if (status < static_cast<std::int32_t>(RunStatus::complete) || status > static_cast<std::int32_t>(RunStatus::diverged)) {
    in.fail("invalid run status code " + std::to_string(status));
  }
  record.status = static_cast<RunStatus>(status);
  record.message = in.get_string("message");
  record.diverged_epoch = static_cast<long>(in.get<std::int64_t>("diverged_epoch"));
  record.epochs_completed = static_cast<std::size_t>(in.get<std::uint64_t>("epochs_completed"));
  record.stored_epoch = static_cast<long>(in.get<std::int64_t>("stored_epoch"));
  record.coefficient_lambda = in.get<double>("coefficient_lambda");
  record.coefficient_gamma = in.get<double>("coefficient_gamma");
  record.train_seconds = in.get<double>("train_seconds");

  record.metrics = get_metrics(in);
  record.train_correlation = in.get_matrix("train_correlation");
  record.test_correlation = in.get_matrix("test_correlation");
  record.final_parameters = get_members(in);
  record.snapshots = get_snapshots(in);
  // A matrix takes at least its three 8-byte sizes.
  record.test_outputs.resize(in.get_count(3 * sizeof(std::uint64_t), "test output count"));
  for (Matrix& outputs : record.test_outputs) outputs = in.get_matrix("test_outputs");

  record.label_names = in.get_strings("label_names");
  record.standardizer_mean = in.get_array<double>("standardizer_mean");
  record.standardizer_scale = in.get_array<double>("standardizer_scale");
  in.expect_end();
  return record;
}

}  // namespace nclab
