// AVX-512 VNNI low-bit micro-kernels (256-bit EVEX vpdpbusd): each instruction adds four u8 x s8 byte products into
// every int32 lane without saturating, so the tile accumulates in int32 directly: no int16 pair sums, no widening
// step (the layout's `group` bound is not needed here, and every layout lowbit_layout picks stays exact). Same
// panels as the AVX2 kernels; the u8s4 kernel splits each broadcast of nibbles into the two quads of an octet.
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; only called when cpu_features() says so.
#include <immintrin.h>

#include <cstring>

#include "gemm_lowbit/gemm_lowbit_microkernel.h"

namespace qedge::fast {
namespace {

__m256i broadcast_quad(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm256_set1_epi32(v);
}

inline void store(const __m256i (&s)[kLowbitMr][2], int32_t* c, int64_t ldc, bool accumulate) {
  for (int64_t r = 0; r < kLowbitMr; ++r) {
    for (int h = 0; h < 2; ++h) {
      auto* p = reinterpret_cast<__m256i*>(c + r * ldc + 8 * h);
      _mm256_storeu_si256(p, accumulate ? _mm256_add_epi32(s[r][h], _mm256_loadu_si256(p)) : s[r][h]);
    }
  }
}

inline void dot_quad(__m256i (&s)[kLowbitMr][2], int64_t r, __m256i w, __m256i b0, __m256i b1) {
  s[r][0] = _mm256_dpbusd_epi32(s[r][0], b0, w);
  s[r][1] = _mm256_dpbusd_epi32(s[r][1], b1, w);
}

}  // namespace

void gemm_u8s8_4x16_vnni(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  __m256i s[kLowbitMr][2];
  for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
  for (int64_t q = 0; q < kq; ++q) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + q * 64));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + q * 64 + 32));
    for (int64_t r = 0; r < kLowbitMr; ++r) dot_quad(s, r, broadcast_quad(w + q * 16 + r * 4), b0, b1);
  }
  store(s, c, ldc, accumulate);
}

void gemm_u8s4_4x16_vnni(int64_t kq, int64_t, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  const __m256i low = _mm256_set1_epi8(0x0F);
  __m256i s[kLowbitMr][2];
  for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
  for (int64_t q = 0; q < kq; q += 2) {
    const uint8_t* bq = b + q * 64;
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 32));
    const __m256i b2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 64));
    const __m256i b3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 96));
    const uint8_t* wo = w + q / 2 * 16;
    for (int64_t r = 0; r < kLowbitMr; ++r) {
      const __m256i v = broadcast_quad(wo + r * 4);
      dot_quad(s, r, _mm256_and_si256(v, low), b0, b1);
      dot_quad(s, r, _mm256_and_si256(_mm256_srli_epi16(v, 4), low), b2, b3);
    }
  }
  store(s, c, ldc, accumulate);
}

}  // namespace qedge::fast
