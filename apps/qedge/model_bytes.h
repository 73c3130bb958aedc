// Byte accounting of a .qedge file for `qedge inspect`: where every byte of the file goes (FlatBuffer, alignment
// padding, constant payloads) and what each constant costs at its bit width.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qedge/runtime/model_file.h"

namespace qedge::cli {

// What one constant tensor occupies.
struct ConstantBytes {
  int storage_bits = 0;       // bits per element in the segment: the quant bit width when PACKED_BITS, else the dtype's
  uint64_t payload = 0;       // the segment's size: ceil(elements * storage_bits / 8)
  uint64_t segment = 0;       // payload plus the zero padding up to the next segment (64-byte alignment)
};

struct ModelBytes {
  uint64_t file = 0;
  uint64_t flatbuffer = 0;    // the 4-byte size prefix plus the FlatBuffer (graphs, tensors, metadata)
  uint64_t padding = 0;       // alignment padding: before the data region and between segments
  uint64_t payload = 0;       // constant data, each segment counted once
  std::map<int, uint64_t> payload_by_bits;  // storage bits -> payload bytes (0: a segment no tensor refers to)
  std::vector<ConstantBytes> tensors;       // per tensor index; zero for tensors that are not constants
};

// Accounts every byte of a verified model file. file == flatbuffer + padding + payload holds for every file the
// converter writes (segments in order, none overlapping).
ModelBytes account_bytes(const rt::ModelFile& file);

// "natural" or "packed".
const char* layout_name(const fb::Tensor& t);

}  // namespace qedge::cli
