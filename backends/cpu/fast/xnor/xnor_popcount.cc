// The portable XNOR-popcount and the run-time choice (see xnor_popcount.h).
#include "xnor/xnor_popcount.h"

#include <bitset>

#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

void xnor_dots_portable(const uint64_t* a, const uint64_t* b, int64_t rows, const uint64_t* mask, int64_t words,
                        int64_t valid, int32_t* out, int64_t out_stride) {
  for (int64_t r = 0; r < rows; ++r, b += words) {
    int64_t differ = 0;
    for (int64_t q = 0; q < words; ++q) {
      differ += static_cast<int64_t>(std::bitset<64>((a[q] ^ b[q]) & (mask ? mask[q] : ~uint64_t{0})).count());
    }
    out[r * out_stride] = static_cast<int32_t>(valid - 2 * differ);
  }
}

XnorDotsFn xnor_dots() {
#if defined(__x86_64__)
  // Every AVX2 CPU has POPCNT.
  if (cpu_features().avx2_fma) return xnor_dots_popcnt;
#endif
  return xnor_dots_portable;
}

}  // namespace qedge::fast
