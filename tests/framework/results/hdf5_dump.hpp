#pragma once
// Canonical text of every dataset and attribute in an HDF5 file, read through the HDF5 C API, for
// comparing files value by value. dump_hdf5.py writes the same text through h5py.
//
// Keys are object paths ("/runs/ID/metrics/test_loss") or attribute paths ("/runs/ID@status"). Each
// value is "SHAPE|TYPE|VALUES". SHAPE is "scalar" or the dimensions joined by 'x', and TYPE is one of
// f8, i4, i8, u8 and str. VALUES are the elements joined by ',': floats as the 16 hex digits of their
// bits, integers in decimal, strings as the hex of their UTF-8 bytes. External links are followed.

#include <hdf5.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/results/hdf5_io.hpp"

namespace nclab::test {

using Hdf5Dump = std::map<std::string, std::string>;

namespace dump_detail {

inline std::string hex_bytes(const std::string& text) {
  std::string out;
  char byte[3];
  for (unsigned char c : text) {
    std::snprintf(byte, sizeof byte, "%02x", c);
    out += byte;
  }
  return out;
}

inline std::string shape_text(const hdf5::Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string text;
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
}

inline std::size_t count_of(const hdf5::Shape& shape) {
  std::size_t count = 1;
  for (hsize_t dim : shape) count *= dim;
  return count;
}

// Formats the elements of a dataset or attribute. `read(memory_type, buffer)` reads all elements.
template <typename Read>
std::string format_values(hid_t stored_type, std::size_t count, Read read, std::string& type_name) {
  std::string values;
  const H5T_class_t type_class = H5Tget_class(stored_type);
  if (type_class == H5T_FLOAT) {
    type_name = "f" + std::to_string(H5Tget_size(stored_type));
    std::vector<double> buffer(count);
    if (count > 0 && read(H5T_NATIVE_DOUBLE, buffer.data()) < 0) throw std::runtime_error("float read failed");
    char hex[17];
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, &buffer[i], sizeof bits);
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(bits));
      values += (i ? "," : "") + std::string(hex);
    }
  } else if (type_class == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(stored_type) == H5T_SGN_2;
    type_name = (is_signed ? "i" : "u") + std::to_string(H5Tget_size(stored_type));
    if (is_signed) {
      std::vector<std::int64_t> buffer(count);
      if (count > 0 && read(H5T_NATIVE_INT64, buffer.data()) < 0) throw std::runtime_error("int read failed");
      for (std::size_t i = 0; i < count; ++i) values += (i ? "," : "") + std::to_string(buffer[i]);
    } else {
      std::vector<std::uint64_t> buffer(count);
      if (count > 0 && read(H5T_NATIVE_UINT64, buffer.data()) < 0) throw std::runtime_error("uint read failed");
      for (std::size_t i = 0; i < count; ++i) values += (i ? "," : "") + std::to_string(buffer[i]);
    }
  } else if (type_class == H5T_STRING) {
    type_name = "str";
    hid_t memory_type = H5Tcopy(H5T_C_S1);
    H5Tset_size(memory_type, H5T_VARIABLE);
    H5Tset_cset(memory_type, H5T_CSET_UTF8);
    std::vector<char*> buffer(count, nullptr);
    const bool ok = count == 0 || read(memory_type, buffer.data()) >= 0;
    H5Tclose(memory_type);
    if (!ok) throw std::runtime_error("string read failed");
    for (std::size_t i = 0; i < count; ++i) {
      values += (i ? "," : "") + hex_bytes(buffer[i] ? buffer[i] : "");
      H5free_memory(buffer[i]);
    }
  } else {
    throw std::runtime_error("unsupported HDF5 type class in dump");
  }
  return values;
}

inline hdf5::Shape shape_of(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  hdf5::Shape shape(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  return shape;
}

inline void dump_attributes(hid_t object, const std::string& path, Hdf5Dump& out) {
  for (const std::string& name : hdf5::attribute_names(object)) {
    const hid_t attribute = H5Aopen(object, name.c_str(), H5P_DEFAULT);
    const hid_t type = H5Aget_type(attribute);
    const hid_t space = H5Aget_space(attribute);
    const hdf5::Shape shape = shape_of(space);
    std::string type_name;
    const std::string values = format_values(type, count_of(shape), [&](hid_t memory_type, void* buffer) {
      return H5Aread(attribute, memory_type, buffer);
    }, type_name);
    out[path + "@" + name] = shape_text(shape) + "|" + type_name + "|" + values;
    H5Sclose(space);
    H5Tclose(type);
    H5Aclose(attribute);
  }
}

inline void dump_dataset(hid_t dataset, const std::string& path, Hdf5Dump& out) {
  const hid_t type = H5Dget_type(dataset);
  const hid_t space = H5Dget_space(dataset);
  const hdf5::Shape shape = shape_of(space);
  std::string type_name;
  const std::string values = format_values(type, count_of(shape), [&](hid_t memory_type, void* buffer) {
    return H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  }, type_name);
  out[path] = shape_text(shape) + "|" + type_name + "|" + values;
  H5Sclose(space);
  H5Tclose(type);
  dump_attributes(dataset, path, out);
}

inline void dump_group(hid_t group, const std::string& path, Hdf5Dump& out) {
  dump_attributes(group, path.empty() ? "/" : path, out);
  for (const std::string& name : hdf5::link_names(group)) {
    const std::string child_path = path + "/" + name;
    const hid_t child = H5Oopen(group, name.c_str(), H5P_DEFAULT);
    if (child < 0) throw std::runtime_error("cannot open " + child_path);
    H5O_info_t info;
    H5Oget_info2(child, &info, H5O_INFO_BASIC);
    if (info.type == H5O_TYPE_GROUP) {
      out[child_path] = "group";
      dump_group(child, child_path, out);
    } else if (info.type == H5O_TYPE_DATASET) {
      dump_dataset(child, child_path, out);
    }
    H5Oclose(child);
  }
}

}  // namespace dump_detail

// Dumps the object at `path` in `file` and everything below it. Throws when anything cannot be read.
inline Hdf5Dump dump_hdf5(const std::filesystem::path& file, const std::string& path = "/") {
  hdf5::silence_automatic_error_printing();
  hdf5::Handle handle = hdf5::open_file_read_only(file);
  Hdf5Dump out;
  hdf5::Handle group = hdf5::open_group(handle.get(), path);
  dump_detail::dump_group(group.get(), path == "/" ? "" : path, out);
  group.close();
  handle.close();
  return out;
}

// Entries of `dump` whose key starts with `prefix`, minus every attribute named in `skip_attributes`.
inline Hdf5Dump filter_dump(const Hdf5Dump& dump, const std::string& prefix,
                            const std::vector<std::string>& skip_attributes = {"train_seconds"}) {
  Hdf5Dump out;
  for (const auto& [key, value] : dump) {
    if (key.rfind(prefix, 0) != 0) continue;
    bool skip = false;
    for (const std::string& name : skip_attributes) {
      const std::string suffix = "@" + name;
      skip = skip || (key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0);
    }
    if (!skip) out[key] = value;
  }
  return out;
}

}  // namespace nclab::test
