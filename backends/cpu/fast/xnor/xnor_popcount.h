// Bipolar (+-1) dot products by XNOR-popcount for the fast QConv/QMatMul (xnor=1): rows of +-1 values as bit rows
// (ref/common/xnor.h's layout: bit set for +1, 64 per word), and the number of positions where two rows differ.
// dot = valid - 2 * differ. The POPCNT version is picked at run time; the portable one counts with std::bitset.
#pragma once

#include <cstdint>

namespace qedge::fast {

// Popcount of (a ^ b) & mask over `words` words (mask null: every bit).
using XnorDifferFn = int64_t (*)(const uint64_t* a, const uint64_t* b, const uint64_t* mask, int64_t words);

int64_t xnor_differ_portable(const uint64_t* a, const uint64_t* b, const uint64_t* mask, int64_t words);
#if defined(__x86_64__)
int64_t xnor_differ_popcnt(const uint64_t* a, const uint64_t* b, const uint64_t* mask, int64_t words);
#endif

// The version for this CPU.
XnorDifferFn xnor_differ();

}  // namespace qedge::fast
