#pragma once
// Binary encoding of a RunRecord, so that an MPI rank can send a finished run to rank 0, which stores it.
//
// The bytes hold every field in declaration order: integers as 64-bit values, doubles as their exact
// bits (NaN payloads and -0.0 survive), strings and arrays with a 64-bit length first. Both ends must
// share the byte order and the nclab version, and decode_run_record rejects another byte order or format.

#include <cstddef>
#include <span>
#include <vector>

#include "framework/results/run_record.hpp"

namespace nclab {

std::vector<std::byte> encode_run_record(const RunRecord& record);

// Rebuilds the record that encode_run_record encoded. Throws RuntimeFailure when `bytes` is truncated,
// has trailing bytes, comes from another format version or byte order, or contains an impossible size.
RunRecord decode_run_record(std::span<const std::byte> bytes);

}  // namespace nclab
