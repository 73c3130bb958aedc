// Bipolar (+-1) dot products by XNOR-popcount for the fast QConv/QMatMul (xnor=1): rows of +-1 values as bit rows
// (ref/common/xnor.h's layout: bit set for +1, 64 per word), dot = valid - 2 * (number of positions where the rows
// differ). The POPCNT version is picked at run time; the portable one counts with std::bitset.
#pragma once

#include <cstdint>

namespace qedge::fast {

// The dots of row a against `rows` rows of b (row r at b + r * words): out[r * out_stride] = valid - 2 * popcount of
// (a ^ b_r) & mask over `words` words (mask null: every bit). One call per row of a, so that the loop over b stays
// inside the ISA-specific code.
using XnorDotsFn = void (*)(const uint64_t* a, const uint64_t* b, int64_t rows, const uint64_t* mask, int64_t words,
                            int64_t valid, int32_t* out, int64_t out_stride);

void xnor_dots_portable(const uint64_t* a, const uint64_t* b, int64_t rows, const uint64_t* mask, int64_t words,
                        int64_t valid, int32_t* out, int64_t out_stride);
#if defined(__x86_64__)
void xnor_dots_popcnt(const uint64_t* a, const uint64_t* b, int64_t rows, const uint64_t* mask, int64_t words,
                      int64_t valid, int32_t* out, int64_t out_stride);
#endif

// The version for this CPU.
XnorDotsFn xnor_dots();

}  // namespace qedge::fast
