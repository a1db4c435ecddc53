#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "framework/results/hdf5_io.hpp"
#include "framework/results/result_store.hpp"
#include "framework/results/run_io.hpp"
#include "tests/framework/results/record_fixtures.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

using test::TemporaryFolder;

void write_single_run(const std::filesystem::path& file, const RunRecord& record) {
  hdf5::Handle handle = hdf5::create_file(file);
  write_run_group(handle.get(), "run", record);
  handle.close();
}

RunRecord read_single_run(const std::filesystem::path& file) {
  hdf5::Handle handle = hdf5::open_file_read_only(file);
  hdf5::Handle group = hdf5::open_group(handle.get(), "run");
  return read_run_group(group.get());
}

TEST(RunIo, ClassificationRecordRoundTrips) {
  TemporaryFolder folder;
  const RunRecord record = test::fixture_record(test::fixture_grid(3)[2]);
  ASSERT_TRUE(std::isnan(record.test_correlation(0, 2)));

  write_single_run(folder / "run.h5", record);
  test::expect_same_record(record, read_single_run(folder / "run.h5"));
}

TEST(RunIo, RegressionRecordRoundTrips) {
  TemporaryFolder folder;
  test::FixtureShape shape;
  shape.classification = false;
  const RunRecord record = test::fixture_record(test::fixture_grid(3, false)[1], shape);
  ASSERT_TRUE(record.label_names.empty());
  ASSERT_FALSE(record.metrics.test_nrmse.empty());

  write_single_run(folder / "run.h5", record);
  test::expect_same_record(record, read_single_run(folder / "run.h5"));
}

TEST(RunIo, ValidationLossRoundTrips) {
  TemporaryFolder folder;
  RunRecord record = test::fixture_record(test::fixture_grid(3)[1]);
  const std::size_t epochs = record.metrics.train_loss.rows();
  for (std::size_t e = 0; e < epochs; ++e) record.metrics.validation_loss.push_back(1.0 / static_cast<double>(e + 3));

  write_single_run(folder / "run.h5", record);
  const RunRecord read = read_single_run(folder / "run.h5");
  ASSERT_EQ(read.metrics.validation_loss.size(), epochs);
  EXPECT_EQ(read.metrics.validation_loss.back(), 1.0 / static_cast<double>(epochs + 2));
  test::expect_same_record(record, read);
}

TEST(RunIo, DivergedRecordKeepsNonFiniteValues) {
  TemporaryFolder folder;
  const RunRecord record = test::fixture_record(test::fixture_grid(1)[0], {}, RunStatus::diverged);
  write_single_run(folder / "run.h5", record);
  const RunRecord read = read_single_run(folder / "run.h5");

  test::expect_same_record(record, read);
  EXPECT_TRUE(std::isinf(read.metrics.train_loss(5, 1)));
  EXPECT_EQ(read.diverged_epoch, 5);
}

TEST(RunIo, FailedRecordWithoutEpochsRoundTrips) {
  TemporaryFolder folder;
  RunRecord record;
  record.run_id = "00000000000000aa";
  record.point_id = "00000000000000bb";
  record.status = RunStatus::failed;
  record.message = "data file 'x.csv' line 3: missing value";
  record.metrics.train_loss = Matrix(0, 4);  // no epoch finished
  record.settings = {{"lambda", "0.5"}};

  write_single_run(folder / "run.h5", record);
  test::expect_same_record(record, read_single_run(folder / "run.h5"));
}

TEST(RunIo, LayerDatasetsHoldWeightsAndBiases) {
  TemporaryFolder folder;
  const RunRecord record = test::fixture_record(test::fixture_grid(1)[0]);
  write_single_run(folder / "run.h5", record);

  hdf5::Handle file = hdf5::open_file_read_only(folder / "run.h5");
  const LayerLayout& layer2 = record.final_parameters[1].layout[1];
  const Matrix weights = hdf5::read_matrix(file.get(), "run/members/1/layer2/weights");
  ASSERT_EQ(weights.rows(), layer2.rows);
  ASSERT_EQ(weights.cols(), layer2.cols);
  for (std::size_t r = 0; r < layer2.rows; ++r) {
    for (std::size_t c = 0; c < layer2.cols; ++c) {
      EXPECT_EQ(weights(r, c), record.final_parameters[1].parameters[layer2.weight_offset + r * layer2.cols + c]);
    }
  }
  const std::vector<double> biases = hdf5::read_doubles(file.get(), "run/members/1/layer2/biases");
  ASSERT_EQ(biases.size(), layer2.bias_size);
  EXPECT_EQ(biases[0], record.final_parameters[1].parameters[layer2.bias_offset]);
  hdf5::Handle settings = hdf5::open_group(file.get(), "run/settings");
  EXPECT_EQ(hdf5::read_string_attribute(settings.get(), "lambda"), "0");
}

TEST(RunIo, LargeDatasetsAreChunkedAndCompressed) {
  TemporaryFolder folder;
  test::FixtureShape shape;
  shape.test_patterns = 400;  // 3 x 400 x 2 doubles = 19 KiB
  const RunRecord record = test::fixture_record(test::fixture_grid(1)[0], shape);
  write_single_run(folder / "run.h5", record);

  hdf5::Handle file = hdf5::open_file_read_only(folder / "run.h5");
  for (const auto& [name, compressed] : {std::pair{"run/test_outputs", true}, std::pair{"run/metrics/test_loss", false}}) {
    hdf5::Handle dataset(H5Dopen2(file.get(), name, H5P_DEFAULT), H5Dclose, "H5Dopen2", name);
    hdf5::Handle plist(H5Dget_create_plist(dataset.get()), H5Pclose, "H5Dget_create_plist", name);
    EXPECT_EQ(H5Pget_layout(plist.get()) == H5D_CHUNKED, compressed) << name;
    EXPECT_EQ(H5Pget_nfilters(plist.get()) == 2, compressed) << name;
  }
}

TEST(RunIo, ValidationRejectsBadLayout) {
  RunRecord record = test::fixture_record(test::fixture_grid(1)[0]);
  record.final_parameters[2].layout[1].bias_offset += 1;  // overlaps nothing, leaves one parameter out
  try {
    validate_run_record(record);
    FAIL() << "expected RuntimeFailure";
  } catch (const RuntimeFailure& error) {
    EXPECT_NE(std::string(error.what()).find("member 2"), std::string::npos) << error.what();
  }
}

TEST(RunIo, ValidationRejectsUnsafeRunId) {
  RunRecord record = test::fixture_record(test::fixture_grid(1)[0]);
  record.run_id = "../escape";
  EXPECT_THROW(validate_run_record(record), RuntimeFailure);
}

TEST(RunIo, Hdf5ErrorCarriesErrorStack) {
  TemporaryFolder folder;
  try {
    hdf5::open_file_read_only(folder / "missing.h5");
    FAIL() << "expected Hdf5Error";
  } catch (const hdf5::Hdf5Error& error) {
    EXPECT_EQ(error.call(), "H5Fopen");
    EXPECT_NE(std::string(error.what()).find("missing.h5"), std::string::npos) << error.what();
    EXPECT_NE(error.error_stack().find("H5Fopen"), std::string::npos) << error.error_stack();
  }
}

TEST(RunIo, H5pyReadsSameValuesAsCApi) {
  if (!test::python_has_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py and numpy is not installed";
  TemporaryFolder folder;
  test::FixtureShape shape;
  shape.test_patterns = 300;  // makes test_outputs chunked and compressed
  write_single_run(folder / "run.h5", test::fixture_record(test::fixture_grid(1)[0], shape));

  const test::Hdf5Dump c_api = test::dump_hdf5(folder / "run.h5");
  const test::Hdf5Dump h5py = test::dump_with_h5py(folder / "run.h5");
  EXPECT_GT(c_api.size(), 100u);
  EXPECT_EQ(test::dump_difference(c_api, h5py), "");
}

}  // namespace
}  // namespace nclab
