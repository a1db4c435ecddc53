#pragma once
// Minimal reader and writer of NumPy .npy files (format version 1.0) for the benchmark tools: 1-D or
// 2-D, C order, little-endian float64 ('<f8') or int64 ('<i8'). numpy.load and numpy.save read and
// write these files directly, so the C++ tools and the Python peers exchange arrays without HDF5.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace nclab::bench {

template <typename T>
struct NpyArray {
  std::vector<T> values;
  std::size_t rows = 0;
  std::size_t cols = 1;  // 1 for a 1-D array
  bool one_dimensional = false;

  T& operator()(std::size_t r, std::size_t c) { return values[r * cols + c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};

namespace npy_detail {

template <typename T>
constexpr const char* descr() {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>, "only float64 and int64");
  return std::is_same_v<T, double> ? "<f8" : "<i8";
}

}  // namespace npy_detail

// Writes a rows x cols array (cols = 0 writes a 1-D array of `rows` values). Throws std::runtime_error
// when the file cannot be written.
template <typename T>
void write_npy(const std::string& path, const T* data, std::size_t rows, std::size_t cols) {
  std::string shape = cols == 0 ? "(" + std::to_string(rows) + ",)"
                                : "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
  std::string header = std::string("{'descr': '") + npy_detail::descr<T>() +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // The magic (6), version (2) and length (2) bytes plus the header end on a multiple of 64 with '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');

  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot create " + path);
  const char magic[] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.write(magic, sizeof magic);
  const auto length = static_cast<std::uint16_t>(header.size());
  const char length_bytes[] = {static_cast<char>(length & 0xff), static_cast<char>(length >> 8)};
  out.write(length_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  const std::size_t count = cols == 0 ? rows : rows * cols;
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
  if (!out) throw std::runtime_error("failed to write " + path);
}

// Reads an array written by write_npy or numpy.save with the element type T. Throws
// std::runtime_error for a missing file, another element type, Fortran order or more than 2 dimensions.
template <typename T>
NpyArray<T> read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char prefix[10];
  in.read(prefix, 10);
  if (!in || std::memcmp(prefix, "\x93NUMPY", 6) != 0 || prefix[6] != 1) {
    throw std::runtime_error(path + " is not a version 1.0 .npy file");
  }
  const std::size_t length = static_cast<unsigned char>(prefix[8]) | (static_cast<unsigned char>(prefix[9]) << 8);
  std::string header(length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(length));
  if (header.find(std::string("'descr': '") + npy_detail::descr<T>() + "'") == std::string::npos) {
    throw std::runtime_error(path + ": expected element type " + npy_detail::descr<T>() + ", header " + header);
  }
  if (header.find("'fortran_order': False") == std::string::npos) {
    throw std::runtime_error(path + ": Fortran-order arrays are not supported");
  }
  const std::size_t open = header.find('(', header.find("'shape'"));
  const std::size_t close = header.find(')', open);
  std::vector<std::size_t> dims;
  std::size_t position = open + 1;
  while (position < close) {
    const std::size_t comma = std::min(header.find(',', position), close);
    const std::string item = header.substr(position, comma - position);
    if (item.find_first_not_of(' ') != std::string::npos) dims.push_back(std::stoull(item));
    position = comma + 1;
  }
  if (dims.empty() || dims.size() > 2) throw std::runtime_error(path + ": expected 1 or 2 dimensions");

  NpyArray<T> array;
  array.rows = dims[0];
  array.cols = dims.size() == 2 ? dims[1] : 1;
  array.one_dimensional = dims.size() == 1;
  array.values.resize(array.rows * array.cols);
  in.read(reinterpret_cast<char*>(array.values.data()), static_cast<std::streamsize>(array.values.size() * sizeof(T)));
  if (!in) throw std::runtime_error(path + ": the file ends before its data");
  return array;
}

}  // namespace nclab::bench
