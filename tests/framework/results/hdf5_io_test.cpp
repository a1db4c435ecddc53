#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "framework/results/hdf5_io.hpp"
#include "tests/framework/results/results_test_support.hpp"

namespace nclab {
namespace {

using test::TemporaryFolder;

// Row r, column c of the test tables: "r.c", empty where (r + c) % 5 == 0.
std::string cell(std::size_t r, std::size_t c) {
  return (r + c) % 5 == 0 ? std::string() : std::to_string(r) + "." + std::to_string(c);
}

std::vector<std::string> expected_table(std::size_t rows, std::size_t columns) {
  std::vector<std::string> values;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) values.push_back(cell(r, c));
  }
  return values;
}

// Writes a dataset of `shape` (rows) or (rows, columns) with write_string_rows, closes the file and
// reopens it for reading.
hdf5::Handle write_table(const std::filesystem::path& file, const hdf5::Shape& shape) {
  {
    hdf5::Handle handle = hdf5::create_file(file, hdf5::MetadataCache::small);
    hdf5::write_string_rows(handle.get(), "table", shape, [&](std::size_t r, std::vector<std::string>& row) {
      for (std::size_t c = 0; c < row.size(); ++c) row[c] = cell(r, c);
    });
    handle.close();
  }
  return hdf5::open_file_read_only(file);
}

TEST(Hdf5StringRows, TableRoundTrips) {
  // 3,000 x 25 strings span several blocks of write_string_rows and several chunks.
  TemporaryFolder folder;
  hdf5::Handle file = write_table(folder / "table.h5", {3000, 25});
  hdf5::Shape shape;
  EXPECT_EQ(hdf5::read_strings(file.get(), "table", &shape), expected_table(3000, 25));
  EXPECT_EQ(shape, (hdf5::Shape{3000, 25}));
}

TEST(Hdf5StringRows, SmallTableRoundTrips) {
  TemporaryFolder folder;
  hdf5::Handle file = write_table(folder / "table.h5", {3, 2});
  EXPECT_EQ(hdf5::read_strings(file.get(), "table"), expected_table(3, 2));
}

TEST(Hdf5StringRows, VectorRoundTrips) {
  TemporaryFolder folder;
  hdf5::Handle file = write_table(folder / "table.h5", {5000});
  hdf5::Shape shape;
  EXPECT_EQ(hdf5::read_strings(file.get(), "table", &shape), expected_table(5000, 1));
  EXPECT_EQ(shape, (hdf5::Shape{5000}));
}

TEST(Hdf5StringRows, EmptyShapesWriteEmptyDatasets) {
  TemporaryFolder folder;
  hdf5::Handle file = write_table(folder / "rows.h5", {0, 4});
  EXPECT_EQ(hdf5::dataset_shape(file.get(), "table"), (hdf5::Shape{0, 4}));
  hdf5::Handle other = write_table(folder / "columns.h5", {7, 0});
  EXPECT_EQ(hdf5::dataset_shape(other.get(), "table"), (hdf5::Shape{7, 0}));
}

TEST(Hdf5StringRows, ReadsRowRange) {
  TemporaryFolder folder;
  hdf5::Handle file = write_table(folder / "table.h5", {600, 7});
  const std::vector<std::string> all = expected_table(600, 7);
  const std::vector<std::string> middle = hdf5::read_string_rows(file.get(), "table", 250, 300);
  EXPECT_EQ(middle, std::vector<std::string>(all.begin() + 250 * 7, all.begin() + 550 * 7));
  EXPECT_TRUE(hdf5::read_string_rows(file.get(), "table", 600, 0).empty());
  EXPECT_THROW(hdf5::read_string_rows(file.get(), "table", 590, 20), RuntimeFailure);
}

TEST(Hdf5StringRows, WrongRowWidthRejected) {
  TemporaryFolder folder;
  hdf5::Handle handle = hdf5::create_file(folder / "table.h5");
  EXPECT_THROW(hdf5::write_string_rows(handle.get(), "table", {4, 3},
                                       [](std::size_t, std::vector<std::string>& row) { row.push_back("extra"); }),
               RuntimeFailure);
}

}  // namespace
}  // namespace nclab
