// Constants of the .qedge container around the generated FlatBuffers schema.
#pragma once

#include <cstddef>
#include <cstdint>

#include "qedge/format/qedge_generated.h"

namespace qedge::format {

// Schema version written by this build. A file with another major is rejected; a newer minor is
// readable (fields are only appended).
constexpr uint32_t kSchemaMajor = 1;
constexpr uint32_t kSchemaMinor = 0;

// Segment alignment in the data region, and of the data region itself.
constexpr size_t kSegmentAlignment = 64;

constexpr size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Start of the data region for a file whose FlatBuffer (without its 4-byte size prefix) has `fb_size` bytes.
constexpr size_t data_region_offset(size_t fb_size) { return align_up(sizeof(uint32_t) + fb_size, kSegmentAlignment); }

}  // namespace qedge::format
