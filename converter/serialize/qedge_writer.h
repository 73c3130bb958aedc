// IrModel -> .qedge bytes, and the atomic file write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qedge::conv {

Result<std::vector<uint8_t>> serialize_model(const IrModel& model);
// Writes `bytes` to `path` via a temporary file in the same folder and a rename, so a failure never leaves
// a partial file at `path`.
Status write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace qedge::conv
