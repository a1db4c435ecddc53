#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "framework/core/error.hpp"
#include "framework/distributed/run_record_codec.hpp"
#include "framework/results/hdf5_io.hpp"
#include "framework/results/run_io.hpp"
#include "tests/framework/results/record_fixtures.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

RunRecord round_trip(const RunRecord& record) { return decode_run_record(encode_run_record(record)); }

// The run group that write_run_group writes for `record`, as dump text per dataset and attribute.
test::Hdf5Dump stored_form(const RunRecord& record, const std::filesystem::path& file) {
  {
    hdf5::Handle handle = hdf5::create_file(file);
    write_run_group(handle.get(), "run", record);
    handle.close();
  }
  return test::dump_hdf5(file);
}

RunRecord classification_record() {
  RunRecord record = test::fixture_record(test::fixture_grid(6)[5]);
  record.metrics.validation_loss = {0.5, 0.25, -0.0, std::numeric_limits<double>::quiet_NaN()};
  record.metrics.active_member = {0, 1, 2, 0, 1, 2};
  return record;
}

TEST(RunRecordCodec, ClassificationRecordRoundTrips) {
  const RunRecord record = classification_record();
  const RunRecord decoded = round_trip(record);

  test::expect_same_record(record, decoded);
  EXPECT_TRUE(test::same_bits(record.metrics.validation_loss, decoded.metrics.validation_loss));
  EXPECT_TRUE(std::signbit(decoded.metrics.validation_loss[2]));
}

TEST(RunRecordCodec, RegressionRecordRoundTrips) {
  test::FixtureShape shape;
  shape.classification = false;
  shape.members = 5;
  const RunRecord record = test::fixture_record(test::fixture_grid(3, false)[2], shape);
  ASSERT_FALSE(record.metrics.test_nrmse.empty());

  test::expect_same_record(record, round_trip(record));
}

TEST(RunRecordCodec, DivergedRecordKeepsNonFiniteValues) {
  const RunRecord record = test::fixture_record(test::fixture_grid(2)[1], {}, RunStatus::diverged);
  const RunRecord decoded = round_trip(record);

  test::expect_same_record(record, decoded);
  EXPECT_TRUE(std::isinf(decoded.metrics.train_loss(5, 1)));
  EXPECT_TRUE(std::isnan(decoded.metrics.test_loss(5, 1)));
  EXPECT_TRUE(std::isnan(decoded.test_correlation(0, 2)));
}

TEST(RunRecordCodec, FailedRecordWithoutResultsRoundTrips) {
  RunRecord record;
  record.run_id = "00000000000000ff";
  record.run_index = 7;
  record.status = RunStatus::failed;
  record.message = "dataset 'missing.csv' not found";
  record.seed = std::numeric_limits<std::uint64_t>::max();
  record.metrics.train_loss = Matrix(0, 4);

  const RunRecord decoded = round_trip(record);
  test::expect_same_record(record, decoded);
  EXPECT_EQ(decoded.metrics.train_loss.cols(), 4u);
}

// Catches a RunRecord field that reaches the results file but that the codec leaves out.
TEST(RunRecordCodec, DecodedRecordStoresSameGroup) {
  test::TemporaryFolder folder;
  RunRecord record = classification_record();
  record.metrics.validation_loss.clear();

  const test::Hdf5Dump original = stored_form(record, folder / "original.h5");
  const test::Hdf5Dump decoded = stored_form(round_trip(record), folder / "decoded.h5");
  EXPECT_GT(original.size(), 40u);
  EXPECT_EQ(test::dump_difference(original, decoded), "");
}

TEST(RunRecordCodec, EveryTruncationIsRejected) {
  const std::vector<std::byte> bytes = encode_run_record(classification_record());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(decode_run_record(std::span(bytes).first(size)), RuntimeFailure) << "prefix of " << size << " bytes";
  }
}

TEST(RunRecordCodec, TrailingBytesAreRejected) {
  std::vector<std::byte> bytes = encode_run_record(classification_record());
  bytes.push_back(std::byte{0});
  EXPECT_THROW(decode_run_record(bytes), RuntimeFailure);
}

TEST(RunRecordCodec, OtherByteOrderIsRejected) {
  std::vector<std::byte> bytes = encode_run_record(classification_record());
  std::reverse(bytes.begin(), bytes.begin() + 8);
  try {
    decode_run_record(bytes);
    FAIL() << "a record with the marker in the other byte order was accepted";
  } catch (const RuntimeFailure& error) {
    EXPECT_NE(std::string(error.what()).find("byte order"), std::string::npos) << error.what();
  }
}

TEST(RunRecordCodec, ForeignBytesAreRejected) {
  std::vector<std::byte> bytes = encode_run_record(classification_record());
  bytes[0] ^= std::byte{0xff};
  EXPECT_THROW(decode_run_record(bytes), RuntimeFailure);
}

TEST(RunRecordCodec, HugeCountIsRejectedBeforeAllocating) {
  RunRecord record;
  record.run_id = "0123456789abcdef";
  std::vector<std::byte> bytes = encode_run_record(record);
  // The run id's length follows the 8-byte marker.
  const std::uint64_t huge = std::uint64_t{1} << 60;
  std::memcpy(bytes.data() + 8, &huge, sizeof huge);
  EXPECT_THROW(decode_run_record(bytes), RuntimeFailure);
}

}  // namespace
}  // namespace nclab
