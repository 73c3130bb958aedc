// XNOR-popcount with the POPCNT instruction (compiled with -mpopcnt; only called when cpu_features() reports AVX2,
// which implies it).
#include "xnor/xnor_popcount.h"

namespace qedge::fast {

int64_t xnor_differ_popcnt(const uint64_t* a, const uint64_t* b, const uint64_t* mask, int64_t words) {
  int64_t differ = 0;
  if (mask) {
    for (int64_t q = 0; q < words; ++q) differ += __builtin_popcountll((a[q] ^ b[q]) & mask[q]);
  } else {
    for (int64_t q = 0; q < words; ++q) differ += __builtin_popcountll(a[q] ^ b[q]);
  }
  return differ;
}

}  // namespace qedge::fast
