#pragma once
// Writes one RunRecord as an HDF5 group and reads it back. docs/hdf5-schema.md lists the layout.

#include <hdf5.h>

#include <string>

#include "framework/results/run_record.hpp"

namespace nclab {

// Checks what the writer relies on, and throws RuntimeFailure naming the run and the problem otherwise.
// The run id must be usable as a file and group name, and setting names must be unique. Layer layouts
// must cover each member's parameter buffer exactly once, snapshots must match the final layouts, and
// every member's test outputs must have one shape.
void validate_run_record(const RunRecord& record);

// Creates the group `name` under `parent` and writes `record` into it. The contents depend only on
// the record, so the same record always yields the same datasets and attributes.
void write_run_group(hid_t parent, const std::string& name, const RunRecord& record);

// Reads a group written by write_run_group.
RunRecord read_run_group(hid_t group);

}  // namespace nclab
