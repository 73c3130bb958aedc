// Per-thread buffers of the fast QMatMul paths (int16, low-bit, VNNI): the input shifted to u8 or adjusted to int16,
// the accumulators, and one output row for the transposed epilogue. Shared by every QMatMul a thread runs (one at a
// time) and only ever grown, so steady-state runs do not allocate.
#pragma once

#include <cstdint>
#include <vector>

#include "scratch_buffer.h"

namespace qedge::fast {

struct QMatMulScratch {
  std::vector<uint8_t> shifted;
  ScratchBuffer<int16_t> xs;
  ScratchBuffer<int32_t> acc, row;
  static QMatMulScratch& mine() {
    thread_local QMatMulScratch s;
    return s;
  }
};

}  // namespace qedge::fast
