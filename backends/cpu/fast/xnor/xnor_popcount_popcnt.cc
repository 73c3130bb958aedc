// XNOR-popcount with the POPCNT instruction (compiled with -mpopcnt; only called when cpu_features() reports AVX2,
// which implies it).
#include "xnor/xnor_popcount.h"

namespace qedge::fast {

void xnor_dots_popcnt(const uint64_t* a, const uint64_t* b, int64_t rows, const uint64_t* mask, int64_t words,
                      int64_t valid, int32_t* out, int64_t out_stride) {
  for (int64_t r = 0; r < rows; ++r, b += words) {
    int64_t differ = 0;
    if (mask) {
      for (int64_t q = 0; q < words; ++q) differ += __builtin_popcountll((a[q] ^ b[q]) & mask[q]);
    } else {
      for (int64_t q = 0; q < words; ++q) differ += __builtin_popcountll(a[q] ^ b[q]);
    }
    out[r * out_stride] = static_cast<int32_t>(valid - 2 * differ);
  }
}

}  // namespace qedge::fast
