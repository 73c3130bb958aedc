// Per-thread buffers of the fast integer ops' u8 and int16 paths (low-bit and VNNI QConv, the QMatMul paths): the
// input shifted to u8 or adjusted to int16, one group's im2col columns, the accumulators, and one output row for the
// transposed epilogue. Shared by every such op a thread runs (one at a time), so that a layer works in memory the one
// before it left in cache, and only ever grown, so that steady-state runs do not allocate. Workers reach the buffers
// through the pointers the calling thread hands them.
#pragma once

#include <cstdint>
#include <vector>

#include "scratch_buffer.h"

namespace qedge::fast {

struct IntOpScratch {
  std::vector<uint8_t> shifted;
  ScratchBuffer<uint8_t> col;
  ScratchBuffer<int16_t> xs;
  ScratchBuffer<int32_t> acc, row;
  static IntOpScratch& mine() {
    thread_local IntOpScratch s;
    return s;
  }
};

}  // namespace qedge::fast
