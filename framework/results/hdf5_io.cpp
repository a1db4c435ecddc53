#include "framework/results/hdf5_io.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

namespace nclab::hdf5 {

namespace {

constexpr std::size_t kCompressMinBytes = 4096;
constexpr std::size_t kChunkMaxBytes = 64 * 1024;
constexpr unsigned kDeflateLevel = 4;
constexpr unsigned kMaxCompactAttributes = 1000;
// Size of HDF5's type-conversion buffer (and of its background buffer) in each H5Dread and H5Dwrite.
// The library default is 1 MiB each, and variable-length strings are converted in strips of this size.
constexpr std::size_t kConversionBufferBytes = 64 * 1024;
// Strings that write_string_rows converts and hands to HDF5 at once.
constexpr std::size_t kStringsPerBlock = 1024;
// Bytes of one variable-length string element in a dataset's storage: a global heap id (collection
// address and object index) in the HDF5 1.8 format.
constexpr std::size_t kStoredStringBytes = 16;
// Limits of HDF5's free lists, in bytes: the library keeps freed blocks of each kind for reuse up to
// these totals. With the defaults of HDF5 1.10.8 the freed blocks raised the peak RSS of a 1,000-run
// sweep by about 0.6 MiB more than these limits do.
constexpr int kFreeListGlobalBytes = 1 << 20;
constexpr int kFreeListPerListBytes = 64 << 10;

std::size_t element_count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

Handle utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", "variable-length string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size", "variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset", "variable-length string type");
  return type;
}

Handle simple_space(const Shape& shape, const std::string& object) {
  if (shape.empty()) return Handle(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", object);
  return Handle(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
                "H5Screate_simple", object);
}

// Chunk shape of at most kChunkMaxBytes: halves the leading dimensions first, so a chunk holds whole
// trailing rows where possible (a metrics chunk is a block of epochs, a test_outputs chunk one member).
Shape chunk_shape(const Shape& shape, std::size_t element_size) {
  Shape chunk = shape;
  for (std::size_t dim = 0; dim < chunk.size(); ++dim) {
    while (element_count(chunk) * element_size > kChunkMaxBytes && chunk[dim] > 1) {
      chunk[dim] = (chunk[dim] + 1) / 2;
    }
  }
  return chunk;
}

bool deflate_available() {
  static const bool available = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  return available;
}

// Whether a dataset of this shape is stored chunked and compressed rather than contiguous.
bool stored_chunked(const Shape& shape, std::size_t element_size) {
  const std::size_t count = element_count(shape);
  return !shape.empty() && count > 0 && count * element_size >= kCompressMinBytes;
}

// Property lists that never change, created on first use and kept for the whole process: a run file
// creates about 50 groups and datasets, and creating and closing their lists took about an eighth
// of the writer's time. Callers hold hdf5_mutex(), as for every HDF5 call.
hid_t kept_plist(hid_t plist_class, herr_t (*set)(hid_t)) {
  const hid_t plist = static_cast<hid_t>(check(H5Pcreate(plist_class), "H5Pcreate", "a shared property list"));
  check(set(plist), "H5Pset", "a shared property list");
  return plist;
}

hid_t contiguous_dataset_plist() {
  static const hid_t plist =
      kept_plist(H5P_DATASET_CREATE, [](hid_t id) { return H5Pset_obj_track_times(id, false); });
  return plist;
}

Handle dataset_creation_plist(const Shape& shape, std::size_t element_size, const std::string& object) {
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", object);
  check(H5Pset_obj_track_times(plist.get(), false), "H5Pset_obj_track_times", object);
  if (!stored_chunked(shape, element_size)) return plist;

  const Shape chunk = chunk_shape(shape, element_size);
  check(H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk", object);
  // NOTE: without zlib in the HDF5 build the data is stored chunked but uncompressed.
  if (deflate_available()) {
    check(H5Pset_shuffle(plist.get()), "H5Pset_shuffle", object);
    check(H5Pset_deflate(plist.get(), kDeflateLevel), "H5Pset_deflate", object);
  }
  return plist;
}

hid_t group_creation_plist() {
  static const hid_t plist = kept_plist(H5P_GROUP_CREATE, [](hid_t id) {
    const herr_t times = H5Pset_obj_track_times(id, false);
    // Keep every attribute in the object header. HDF5 1.10.8 crashes in H5Ocopy when it copies "dense"
    // attribute storage (used past 8 attributes by default) that contains variable-length strings.
    return times < 0 ? times : H5Pset_attr_phase_change(id, kMaxCompactAttributes, 0);
  });
  return plist;
}

// Sets the free-list limits once per process, before the first file is opened.
void limit_free_lists() {
  static const herr_t status =
      H5set_free_list_limits(kFreeListGlobalBytes, kFreeListPerListBytes, kFreeListGlobalBytes, kFreeListPerListBytes,
                             kFreeListGlobalBytes, kFreeListPerListBytes);
  check(status, "H5set_free_list_limits", "the HDF5 library");
}

Handle file_access_plist(const std::string& object, MetadataCache cache_size) {
  limit_free_lists();
  Handle plist(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", object);
  check(H5Pset_fclose_degree(plist.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree", object);
  // The HDF5 1.8 file format: compact groups and attributes cost far less space than the 1.6 format's
  // symbol tables, and every HDF5 from 1.8 on (and so every h5py) reads it.
  check(H5Pset_libver_bounds(plist.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), "H5Pset_libver_bounds", object);
  H5AC_cache_config_t cache;
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(plist.get(), &cache), "H5Pget_mdc_config", object);
  cache.set_initial_size = true;
  if (cache_size == MetadataCache::small) {
    // An index of 5,000 runs took 38 ms to write with 128 KiB, 37 ms with 1 MiB and 113 ms with
    // 64 KiB, which is too small for the metadata that the write keeps using.
    cache.initial_size = 128 << 10;
    cache.min_size = 128 << 10;
    cache.max_size = 128 << 10;
  } else {
    cache.initial_size = 1 << 20;
    cache.min_size = 1 << 20;
    cache.max_size = 4 << 20;
  }
  check(H5Pset_mdc_config(plist.get(), &cache), "H5Pset_mdc_config", object);
  return plist;
}

hid_t transfer_plist() {
  static const hid_t plist =
      kept_plist(H5P_DATASET_XFER, [](hid_t id) { return H5Pset_buffer(id, kConversionBufferBytes, nullptr, nullptr); });
  return plist;
}

void write_dataset(hid_t location, const std::string& name, hid_t file_type, hid_t memory_type, const void* data,
                   const Shape& shape, std::size_t element_size) {
  const std::string object = describe(location, name);
  Handle space = simple_space(shape, object);
  Handle chunked;  // the creation list of a chunked dataset, which depends on the shape
  if (stored_chunked(shape, element_size)) chunked = dataset_creation_plist(shape, element_size, object);
  const hid_t plist = chunked.valid() ? chunked.get() : contiguous_dataset_plist();
  Handle dataset(H5Dcreate2(location, name.c_str(), file_type, space.get(), H5P_DEFAULT, plist, H5P_DEFAULT),
                 H5Dclose, "H5Dcreate2", object);
  if (element_count(shape) > 0) {
    check(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, transfer_plist(), data), "H5Dwrite", object);
  }
  dataset.close();
}

Shape space_shape(hid_t space, const std::string& object) {
  const int rank = static_cast<int>(check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims", object));
  Shape shape(static_cast<std::size_t>(rank));
  if (rank > 0) check(H5Sget_simple_extent_dims(space, shape.data(), nullptr), "H5Sget_simple_extent_dims", object);
  return shape;
}

// Reads every element of a string dataset or attribute, whether stored as variable-length or fixed-length
// strings. `read` performs the H5Dread or H5Aread into a buffer of the given memory type.
template <typename ReadFunction>
std::vector<std::string> read_string_elements(hid_t stored_type, std::size_t count, const std::string& object,
                                              ReadFunction read) {
  std::vector<std::string> values(count);
  if (count == 0) return values;
  if (H5Tget_class(stored_type) != H5T_STRING) {
    throw RuntimeFailure("expected a string dataset or attribute at " + object);
  }

  if (check(H5Tis_variable_str(stored_type), "H5Tis_variable_str", object) > 0) {
    Handle memory_type = utf8_string_type();
    std::vector<char*> pointers(count, nullptr);
    check(read(memory_type.get(), pointers.data()), "read of variable-length strings", object);
    for (std::size_t i = 0; i < count; ++i) {
      if (pointers[i] != nullptr) values[i] = pointers[i];
    }
    // The library allocated the strings, so its own allocator must free them.
    for (char* pointer : pointers) H5free_memory(pointer);
    return values;
  }

  const std::size_t width = H5Tget_size(stored_type);
  Handle memory_type(H5Tcopy(stored_type), H5Tclose, "H5Tcopy", object);
  std::vector<char> buffer(width * count);
  check(read(memory_type.get(), buffer.data()), "read of fixed-length strings", object);
  for (std::size_t i = 0; i < count; ++i) {
    const char* begin = buffer.data() + i * width;
    values[i].assign(begin, std::find(begin, begin + width, '\0'));
  }
  return values;
}

Handle open_attribute(hid_t object, const std::string& name) {
  return Handle(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", describe(object, "@" + name));
}

template <typename T>
void write_numeric_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type, T value) {
  const std::string where = describe(object, "@" + name);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", where);
  Handle attribute(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "H5Acreate2", where);
  check(H5Awrite(attribute.get(), memory_type, &value), "H5Awrite", where);
  attribute.close();
}

template <typename T>
T read_numeric_attribute(hid_t object, const std::string& name, hid_t memory_type) {
  Handle attribute = open_attribute(object, name);
  T value{};
  check(H5Aread(attribute.get(), memory_type, &value), "H5Aread", describe(object, "@" + name));
  return value;
}

template <typename T>
std::vector<T> read_numeric_dataset(hid_t location, const std::string& name, hid_t memory_type, Shape* shape_out) {
  const std::string object = describe(location, name);
  Handle dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", object);
  Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space", object);
  const Shape shape = space_shape(space.get(), object);
  std::vector<T> values(element_count(shape));
  if (!values.empty()) {
    check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "H5Dread", object);
  }
  if (shape_out != nullptr) *shape_out = shape;
  return values;
}

}  // namespace

Handle create_file(const std::filesystem::path& path, MetadataCache cache) {
  silence_automatic_error_printing();
  const std::string object = "'" + path.string() + "'";
  Handle access = file_access_plist(object, cache);
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, "H5Fcreate", object);
}

Handle open_file_read_only(const std::filesystem::path& path) {
  silence_automatic_error_printing();
  const std::string object = "'" + path.string() + "'";
  Handle access = file_access_plist(object, MetadataCache::standard);
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get()), H5Fclose, "H5Fopen", object);
}

Handle open_file_read_write(const std::filesystem::path& path, MetadataCache cache) {
  silence_automatic_error_printing();
  const std::string object = "'" + path.string() + "'";
  Handle access = file_access_plist(object, cache);
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDWR, access.get()), H5Fclose, "H5Fopen", object);
}

Handle create_group(hid_t location, const std::string& name) {
  const std::string object = describe(location, name);
  return Handle(H5Gcreate2(location, name.c_str(), H5P_DEFAULT, group_creation_plist(), H5P_DEFAULT), H5Gclose,
                "H5Gcreate2", object);
}

Handle open_group(hid_t location, const std::string& name) {
  return Handle(H5Gopen2(location, name.c_str(), H5P_DEFAULT), H5Gclose, "H5Gopen2", describe(location, name));
}

bool link_exists(hid_t location, const std::string& name) {
  return check(H5Lexists(location, name.c_str(), H5P_DEFAULT), "H5Lexists", describe(location, name)) > 0;
}

std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), "H5Literate", describe(group));
  return names;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  const std::string where = describe(object, "@" + name);
  Handle type = utf8_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", where);
  Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "H5Acreate2", where);
  const char* pointer = value.c_str();
  check(H5Awrite(attribute.get(), type.get(), &pointer), "H5Awrite", where);
  attribute.close();
}

void write_string_array_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  const std::string where = describe(object, "@" + name);
  Handle type = utf8_string_type();
  Handle space = simple_space({values.size()}, where);
  Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                   "H5Acreate2", where);
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value.c_str());
  if (!pointers.empty()) check(H5Awrite(attribute.get(), type.get(), pointers.data()), "H5Awrite", where);
  attribute.close();
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  write_numeric_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, value);
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_numeric_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, value);
}

void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  write_numeric_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, value);
}

bool attribute_exists(hid_t object, const std::string& name) {
  return check(H5Aexists(object, name.c_str()), "H5Aexists", describe(object, "@" + name)) > 0;
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), "H5Aiterate2", describe(object));
  return names;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  const std::string where = describe(object, "@" + name);
  std::vector<std::string> values = read_string_array_attribute(object, name);
  if (values.size() != 1) throw RuntimeFailure("expected one string in attribute " + where);
  return values.front();
}

std::vector<std::string> read_string_array_attribute(hid_t object, const std::string& name) {
  const std::string where = describe(object, "@" + name);
  Handle attribute = open_attribute(object, name);
  Handle stored_type(H5Aget_type(attribute.get()), H5Tclose, "H5Aget_type", where);
  Handle space(H5Aget_space(attribute.get()), H5Sclose, "H5Aget_space", where);
  const Shape shape = space_shape(space.get(), where);
  return read_string_elements(stored_type.get(), element_count(shape), where,
                              [&](hid_t memory_type, void* buffer) { return H5Aread(attribute.get(), memory_type, buffer); });
}

double read_double_attribute(hid_t object, const std::string& name) {
  return read_numeric_attribute<double>(object, name, H5T_NATIVE_DOUBLE);
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name) {
  return read_numeric_attribute<std::int64_t>(object, name, H5T_NATIVE_INT64);
}

std::uint64_t read_uint64_attribute(hid_t object, const std::string& name) {
  return read_numeric_attribute<std::uint64_t>(object, name, H5T_NATIVE_UINT64);
}

void write_doubles(hid_t location, const std::string& name, std::span<const double> values, const Shape& shape) {
  if (element_count(shape) != values.size()) {
    throw RuntimeFailure("write_doubles: " + std::to_string(values.size()) + " values do not fill the shape of " +
                         describe(location, name));
  }
  write_dataset(location, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), shape, sizeof(double));
}

void write_matrix(hid_t location, const std::string& name, const Matrix& matrix) {
  write_doubles(location, name, matrix.storage(), {matrix.rows(), matrix.cols()});
}

void write_int32s(hid_t location, const std::string& name, std::span<const int> values) {
  write_dataset(location, name, H5T_STD_I32LE, H5T_NATIVE_INT, values.data(), {values.size()}, sizeof(int));
}

void write_uint64s(hid_t location, const std::string& name, std::span<const std::uint64_t> values) {
  write_dataset(location, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, values.data(), {values.size()},
                sizeof(std::uint64_t));
}

void write_strings(hid_t location, const std::string& name, const std::vector<std::string>& values,
                   const Shape& shape) {
  if (element_count(shape) != values.size()) {
    throw RuntimeFailure("write_strings: " + std::to_string(values.size()) + " strings do not fill the shape of " +
                         describe(location, name));
  }
  Handle type = utf8_string_type();
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value.c_str());
  write_dataset(location, name, type.get(), type.get(), pointers.data(), shape, sizeof(char*));
}

void write_string_rows(hid_t location, const std::string& name, const Shape& shape,
                       const std::function<void(std::size_t row, std::vector<std::string>& values)>& fill_row) {
  const std::string object = describe(location, name);
  if (shape.empty() || shape.size() > 2) {
    throw RuntimeFailure("write_string_rows: " + object + " must have 1 or 2 dimensions");
  }
  const std::size_t rows = shape[0];
  const std::size_t columns = shape.size() == 2 ? shape[1] : 1;
  if (rows == 0 || columns == 0) {
    write_strings(location, name, {}, shape);
    return;
  }
  Handle type = utf8_string_type();
  Handle file_space = simple_space(shape, object);
  Handle plist = dataset_creation_plist(shape, sizeof(char*), object);
  // A chunk cache of one chunk (stored vlen elements take 16 bytes), whose chunk is evicted, compressed
  // and written as soon as it is full (w0 = 1). HDF5's default cache keeps up to 1 MiB of written
  // chunks per dataset until the file closes.
  Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "H5Pcreate", object);
  if (H5Pget_layout(plist.get()) == H5D_CHUNKED) {
    const Shape chunk = chunk_shape(shape, sizeof(char*));
    check(H5Pset_chunk_cache(access.get(), 101, element_count(chunk) * kStoredStringBytes, 1.0), "H5Pset_chunk_cache",
          object);
  }
  Handle dataset(H5Dcreate2(location, name.c_str(), type.get(), file_space.get(), H5P_DEFAULT, plist.get(), access.get()),
                 H5Dclose, "H5Dcreate2", object);

  const std::size_t block_rows = std::max<std::size_t>(1, kStringsPerBlock / columns);
  const hid_t transfer = transfer_plist();
  std::vector<std::string> block;
  std::vector<std::string> row;
  std::vector<const char*> pointers;
  for (std::size_t first = 0; first < rows; first += block_rows) {
    const std::size_t count = std::min(block_rows, rows - first);
    block.clear();
    for (std::size_t r = first; r < first + count; ++r) {
      row.assign(columns, std::string());
      fill_row(r, row);
      if (row.size() != columns) {
        throw RuntimeFailure("write_string_rows: row " + std::to_string(r) + " of " + object + " has " +
                             std::to_string(row.size()) + " strings, not " + std::to_string(columns));
      }
      for (std::string& value : row) block.push_back(std::move(value));
    }
    pointers.clear();
    for (const std::string& value : block) pointers.push_back(value.c_str());

    const hsize_t start[2] = {first, 0};
    const hsize_t counts[2] = {count, columns};
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, counts, nullptr),
          "H5Sselect_hyperslab", object);
    Handle memory_space = simple_space(shape.size() == 2 ? Shape{count, columns} : Shape{count}, object);
    check(H5Dwrite(dataset.get(), type.get(), memory_space.get(), file_space.get(), transfer, pointers.data()),
          "H5Dwrite", object);
  }
  dataset.close();
}

void write_string_scalar(hid_t location, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  const char* pointer = value.c_str();
  write_dataset(location, name, type.get(), type.get(), &pointer, {}, sizeof(char*));
}

Shape dataset_shape(hid_t location, const std::string& name) {
  const std::string object = describe(location, name);
  Handle dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", object);
  Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space", object);
  return space_shape(space.get(), object);
}

std::vector<double> read_doubles(hid_t location, const std::string& name, Shape* shape) {
  return read_numeric_dataset<double>(location, name, H5T_NATIVE_DOUBLE, shape);
}

Matrix read_matrix(hid_t location, const std::string& name) {
  Shape shape;
  std::vector<double> values = read_doubles(location, name, &shape);
  if (shape.size() != 2) throw RuntimeFailure("expected a 2-D dataset at " + describe(location, name));
  Matrix matrix(shape[0], shape[1]);
  matrix.storage() = std::move(values);
  return matrix;
}

std::vector<double> read_matrix_row(hid_t location, const std::string& name, hsize_t row) {
  const std::string object = describe(location, name);
  Handle dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", object);
  Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space", object);
  const Shape shape = space_shape(space.get(), object);
  if (shape.size() != 2 || row >= shape[0]) {
    throw RuntimeFailure("row " + std::to_string(row) + " is outside the dataset " + object);
  }
  const hsize_t start[2] = {row, 0};
  const hsize_t count[2] = {1, shape[1]};
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), "H5Sselect_hyperslab",
        object);
  Handle memory_space = simple_space({shape[1]}, object);
  std::vector<double> values(shape[1]);
  if (!values.empty()) {
    check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, memory_space.get(), space.get(), H5P_DEFAULT, values.data()),
          "H5Dread", object);
  }
  return values;
}

std::vector<int> read_int32s(hid_t location, const std::string& name) {
  return read_numeric_dataset<int>(location, name, H5T_NATIVE_INT, nullptr);
}

std::vector<std::uint64_t> read_uint64s(hid_t location, const std::string& name) {
  return read_numeric_dataset<std::uint64_t>(location, name, H5T_NATIVE_UINT64, nullptr);
}

std::vector<std::string> read_strings(hid_t location, const std::string& name, Shape* shape_out) {
  const std::string object = describe(location, name);
  Handle dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", object);
  Handle stored_type(H5Dget_type(dataset.get()), H5Tclose, "H5Dget_type", object);
  Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space", object);
  const Shape shape = space_shape(space.get(), object);
  if (shape_out != nullptr) *shape_out = shape;
  const hid_t transfer = transfer_plist();
  return read_string_elements(stored_type.get(), element_count(shape), object, [&](hid_t memory_type, void* buffer) {
    return H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, transfer, buffer);
  });
}

std::vector<std::string> read_string_rows(hid_t location, const std::string& name, hsize_t first, hsize_t count) {
  const std::string object = describe(location, name);
  Handle dataset(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", object);
  Handle stored_type(H5Dget_type(dataset.get()), H5Tclose, "H5Dget_type", object);
  Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space", object);
  const Shape shape = space_shape(space.get(), object);
  if (shape.empty() || shape.size() > 2 || first + count > shape[0]) {
    throw RuntimeFailure("rows " + std::to_string(first) + " to " + std::to_string(first + count) +
                         " are outside the 1-D or 2-D dataset " + object);
  }
  const hsize_t columns = shape.size() == 2 ? shape[1] : 1;
  if (count == 0 || columns == 0) return {};
  const hsize_t start[2] = {first, 0};
  const hsize_t counts[2] = {count, columns};
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, counts, nullptr), "H5Sselect_hyperslab",
        object);
  Handle memory_space = simple_space(shape.size() == 2 ? Shape{count, columns} : Shape{count}, object);
  const hid_t transfer = transfer_plist();
  return read_string_elements(stored_type.get(), count * columns, object, [&](hid_t memory_type, void* buffer) {
    return H5Dread(dataset.get(), memory_type, memory_space.get(), space.get(), transfer, buffer);
  });
}

std::string read_string_scalar(hid_t location, const std::string& name) {
  std::vector<std::string> values = read_strings(location, name);
  if (values.size() != 1) throw RuntimeFailure("expected one string in " + describe(location, name));
  return values.front();
}

}  // namespace nclab::hdf5
