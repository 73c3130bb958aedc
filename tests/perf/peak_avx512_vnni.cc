// AVX-512 VNNI peak loop (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; run only where
// cpu_features().avx512_vnni): vpdpbusd, four u8 x s8 products added into each int32 lane, no int16 stage.
#include <immintrin.h>

#include "peak.h"

namespace qedge::perf {

int32_t peak_dpbusd_i8(int64_t iterations) {
  // 12 independent accumulators cover vpdpbusd's latency times its throughput.
  __m512i acc[12];
  for (auto& a : acc) a = _mm512_setzero_si512();
  __m512i u = _mm512_set1_epi8(3);
  const __m512i s = _mm512_set1_epi8(-2);
  for (int64_t i = 0; i < iterations; ++i) {
    // An empty asm that "changes" the input keeps the compiler from hoisting the products.
    __asm__ volatile("" : "+v"(u));
    for (auto& a : acc) a = _mm512_dpbusd_epi32(a, u, s);
  }
  __m512i t = acc[0];
  for (int k = 1; k < 12; ++k) t = _mm512_add_epi32(t, acc[k]);
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, t);
  return lanes[0];
}

}  // namespace qedge::perf
