#pragma once
// Compares HDF5 files dataset by dataset and attribute by attribute, bit for bit, through the HDF5 C
// API (the walk of tests/framework/results/hdf5_dump.hpp), and reads them through h5py as well.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nclab::e2e {

// Attributes that record when, where and how a sweep ran rather than what it computed.
inline const std::vector<std::string> kTimingAttributes = {
    "train_seconds", "started_at", "finished_at", "resumed_at", "resume_command_lines", "host", "command_line"};

struct Hdf5CompareOptions {
  // Attributes skipped wherever they occur, by name.
  std::vector<std::string> ignored_attributes = kTimingAttributes;
  // Objects skipped with everything below them and their attributes, as paths relative to the compared
  // group ("/configuration").
  std::vector<std::string> ignored_objects;
};

// Keys ("/metrics/test_loss", "/@status", "/members/0/layer1@activation") mapped to
// "SHAPE|TYPE|VALUES" text, with floats as the hex of their bits, relative to `group`. External
// links are followed. Throws when the file or the group cannot be read.
std::map<std::string, std::string> hdf5_contents(const std::filesystem::path& file, const std::string& group = "/");

// The same keys read through /usr/bin/python3 and h5py. Returns false with the script's output in
// `error` when Python or h5py fails.
bool hdf5_contents_with_h5py(const std::filesystem::path& file, std::map<std::string, std::string>& contents,
                             std::string& error);

// True when /usr/bin/python3 can import h5py and numpy.
bool h5py_available();

// Lines naming each difference between `group_a` in `a` and `group_b` in `b` ("only in first",
// "only in second", "differs" with both values shortened); empty when they match. Stops after
// `max_lines` lines.
std::vector<std::string> hdf5_differences(const std::filesystem::path& a, const std::filesystem::path& b,
                                          const Hdf5CompareOptions& options = {}, const std::string& group_a = "/",
                                          const std::string& group_b = "/", std::size_t max_lines = 10);

// The same comparison on contents already read.
std::vector<std::string> contents_differences(const std::map<std::string, std::string>& a,
                                              const std::map<std::string, std::string>& b,
                                              const Hdf5CompareOptions& options = {}, std::size_t max_lines = 10);

// Joins difference lines for a failure message.
std::string join_lines(const std::vector<std::string>& lines);

// Decodes the values of a "str" entry of hdf5_contents (hex of UTF-8 bytes) into strings.
std::vector<std::string> decode_strings(const std::string& entry);

// Decodes the values of an "f8" entry of hdf5_contents into doubles.
std::vector<double> decode_doubles(const std::string& entry);

// Decodes the values of an integer entry ("i8", "u8", ...) of hdf5_contents.
std::vector<long long> decode_integers(const std::string& entry);

// The dimensions of an entry of hdf5_contents; empty for a scalar.
std::vector<std::size_t> entry_shape(const std::string& entry);

}  // namespace nclab::e2e
