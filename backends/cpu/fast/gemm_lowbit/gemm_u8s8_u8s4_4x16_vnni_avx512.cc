// AVX-512 VNNI low-bit micro-kernels (256-bit EVEX vpdpbusd): each instruction adds four u8 x s8 byte products into
// every int32 lane without saturating, so the tile accumulates in int32 directly: no int16 pair sums, no widening
// step (the layout's `group` bound is not needed here, and every layout lowbit_layout picks stays exact). Same
// panels and k loops as the AVX2 kernels (lowbit_quads_x86.h).
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; only called when cpu_features() says so.
#include <immintrin.h>

#include "gemm_lowbit/lowbit_quads_x86.h"

namespace qedge::fast {
namespace {

// The whole k loop into int32 accumulators, then one store.
template <typename Quads>
void dot_all(int64_t kq, int32_t* c, int64_t ldc, bool accumulate, const Quads& quads) {
  __m256i s[kLowbitMr][2];
  for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
  quads(0, kq, [&](int64_t r, __m256i w, __m256i b0, __m256i b1) {
    s[r][0] = _mm256_dpbusd_epi32(s[r][0], b0, w);
    s[r][1] = _mm256_dpbusd_epi32(s[r][1], b1, w);
  });
  for (int64_t r = 0; r < kLowbitMr; ++r) {
    for (int h = 0; h < 2; ++h) {
      auto* p = reinterpret_cast<__m256i*>(c + r * ldc + 8 * h);
      _mm256_storeu_si256(p, accumulate ? _mm256_add_epi32(s[r][h], _mm256_loadu_si256(p)) : s[r][h]);
    }
  }
}

}  // namespace

void gemm_u8s8_4x16_vnni(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  dot_all(kq, c, ldc, accumulate, [&](int64_t q0, int64_t q1, const auto& dot) { byte_quads(q0, q1, w, b, dot); });
}

void gemm_u8s4_4x16_vnni(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  dot_all(kq, c, ldc, accumulate, [&](int64_t q0, int64_t q1, const auto& dot) { nibble_quads(q0, q1, w, b, dot); });
}

}  // namespace qedge::fast
