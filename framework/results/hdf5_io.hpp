#pragma once
// Typed reads and writes of HDF5 files, groups, datasets and attributes, in the types nclab stores:
// float64, int32, int64, uint64 and variable-length UTF-8 strings (all of which h5py reads natively).
//
// Datasets of 4 KiB or more are chunked (chunks of at most 64 KiB) and compressed with shuffle +
// deflate level 4; smaller ones are contiguous. No object records a modification time, so the same
// values always produce the same dataset contents.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/results/hdf5.hpp"

namespace nclab::hdf5 {

using Shape = std::vector<hsize_t>;

// Size of a file's metadata cache, which keeps object headers, B-tree nodes and the global heap
// collections that contain variable-length strings until they are evicted or the file closes.
enum class MetadataCache {
  standard,  // 1 MiB, growing to 4 MiB when the hit rate is low
  small,     // 128 KiB, for files written once front to back, whose metadata is seldom read again
};

// Files. Both use the "strong" close degree, so close() on the file handle really closes the file even
// if an object inside it was left open by mistake.
Handle create_file(const std::filesystem::path& path, MetadataCache cache = MetadataCache::standard);  // truncates
Handle open_file_read_only(const std::filesystem::path& path);
Handle open_file_read_write(const std::filesystem::path& path, MetadataCache cache = MetadataCache::standard);

// Groups and links. Names are relative to `location` and may contain '/'.
Handle create_group(hid_t location, const std::string& name);
Handle open_group(hid_t location, const std::string& name);
// True when the link `name` (one path component) exists in `location`; does not follow it.
bool link_exists(hid_t location, const std::string& name);
// Names of the links in a group, in ascending name order.
std::vector<std::string> link_names(hid_t group);

// Attributes.
void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_string_array_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values);
void write_double_attribute(hid_t object, const std::string& name, double value);
void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value);

bool attribute_exists(hid_t object, const std::string& name);
// Names of the attributes of an object, in ascending name order.
std::vector<std::string> attribute_names(hid_t object);
std::string read_string_attribute(hid_t object, const std::string& name);
std::vector<std::string> read_string_array_attribute(hid_t object, const std::string& name);
double read_double_attribute(hid_t object, const std::string& name);
std::int64_t read_int64_attribute(hid_t object, const std::string& name);
std::uint64_t read_uint64_attribute(hid_t object, const std::string& name);

// Datasets. `shape` may have zero-length dimensions; the element count must match the data.
void write_doubles(hid_t location, const std::string& name, std::span<const double> values, const Shape& shape);
void write_matrix(hid_t location, const std::string& name, const Matrix& matrix);
void write_int32s(hid_t location, const std::string& name, std::span<const int> values);
void write_uint64s(hid_t location, const std::string& name, std::span<const std::uint64_t> values);
void write_strings(hid_t location, const std::string& name, const std::vector<std::string>& values,
                   const Shape& shape);
void write_string_scalar(hid_t location, const std::string& name, const std::string& value);
// Writes a string dataset of shape (rows) or (rows, columns), with the same layout as write_strings,
// in blocks of about 1,000 strings: fill_row(r, values) sets the row's strings in `values` (one per
// column, all empty on entry). nclab holds one block and HDF5 one chunk (at most 8,192 strings), so
// memory does not grow with the number of rows.
void write_string_rows(hid_t location, const std::string& name, const Shape& shape,
                       const std::function<void(std::size_t row, std::vector<std::string>& values)>& fill_row);

Shape dataset_shape(hid_t location, const std::string& name);
std::vector<double> read_doubles(hid_t location, const std::string& name, Shape* shape = nullptr);
// Reads a 2-D float64 dataset.
Matrix read_matrix(hid_t location, const std::string& name);
// Reads one row of a 2-D float64 dataset.
std::vector<double> read_matrix_row(hid_t location, const std::string& name, hsize_t row);
std::vector<int> read_int32s(hid_t location, const std::string& name);
std::vector<std::uint64_t> read_uint64s(hid_t location, const std::string& name);
std::vector<std::string> read_strings(hid_t location, const std::string& name, Shape* shape = nullptr);
// Reads rows [first, first + count) of a 1-D or 2-D string dataset, row after row.
std::vector<std::string> read_string_rows(hid_t location, const std::string& name, hsize_t first, hsize_t count);
std::string read_string_scalar(hid_t location, const std::string& name);

}  // namespace nclab::hdf5
