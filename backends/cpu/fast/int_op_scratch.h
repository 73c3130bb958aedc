// Per-thread buffers of the fast integer ops' u8, int16 and XNOR paths (low-bit, VNNI and XNOR QConv, the QMatMul
// paths): the input shifted to u8 or adjusted to int16, one group's im2col columns, the accumulators, one output row
// for the transposed epilogue, and the XNOR paths' input signs, pixel words and window bits. Shared by every such op
// a thread runs (one at a time), so that a layer works in memory the one before it left in cache, and only ever
// grown, so that steady-state runs do not allocate. Workers reach the buffers through the pointers the calling thread
// hands them.
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
  ScratchBuffer<uint8_t> signs;
  ScratchBuffer<uint64_t> pixel_words, window_bits;
  static IntOpScratch& mine() {
    thread_local IntOpScratch s;
    return s;
  }
};

}  // namespace qedge::fast
