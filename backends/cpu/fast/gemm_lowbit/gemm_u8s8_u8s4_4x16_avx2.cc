// AVX2 low-bit micro-kernels: per quad of k, two B loads (16 columns x 4 u8) and four broadcast weight quads feed
// eight vpmaddubsw (u8 x s8 pair sums, exact in int16 by the layout's bound) added in int16 with vpaddw; every
// `group` quads one vpmaddwd by ones widens the sums to int32. The u8s4 kernel broadcasts 4 bytes of nibbles per
// row and splits them with and/shift into the two quads of an octet, so the weights stay packed in memory.
// Compiled with -mavx2; only called when cpu_features() says so.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "gemm_lowbit/gemm_lowbit_microkernel.h"

namespace qedge::fast {
namespace {

__m256i broadcast_quad(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm256_set1_epi32(v);
}

// Widens the int16 pair sums (vpmaddwd by ones) into the int32 tile.
inline void flush(__m256i (&s)[kLowbitMr][2], int32_t* c, int64_t ldc, bool accumulate) {
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t r = 0; r < kLowbitMr; ++r) {
    for (int h = 0; h < 2; ++h) {
      auto* p = reinterpret_cast<__m256i*>(c + r * ldc + 8 * h);
      __m256i v = _mm256_madd_epi16(s[r][h], ones);
      if (accumulate) v = _mm256_add_epi32(v, _mm256_loadu_si256(p));
      _mm256_storeu_si256(p, v);
    }
  }
}

inline void madd_quad(__m256i (&s)[kLowbitMr][2], int64_t r, __m256i w, __m256i b0, __m256i b1) {
  s[r][0] = _mm256_add_epi16(s[r][0], _mm256_maddubs_epi16(b0, w));
  s[r][1] = _mm256_add_epi16(s[r][1], _mm256_maddubs_epi16(b1, w));
}

}  // namespace

void gemm_u8s8_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  for (int64_t q0 = 0; q0 < kq; q0 += group) {
    __m256i s[kLowbitMr][2];
    for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
    for (int64_t q = q0, q1 = std::min(kq, q0 + group); q < q1; ++q) {
      const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + q * 64));
      const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + q * 64 + 32));
      for (int64_t r = 0; r < kLowbitMr; ++r) madd_quad(s, r, broadcast_quad(w + q * 16 + r * 4), b0, b1);
    }
    flush(s, c, ldc, accumulate || q0 > 0);
  }
}

void gemm_u8s4_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  const __m256i low = _mm256_set1_epi8(0x0F);
  for (int64_t q0 = 0; q0 < kq; q0 += group) {
    __m256i s[kLowbitMr][2];
    for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
    for (int64_t q = q0, q1 = std::min(kq, q0 + group); q < q1; q += 2) {
      const uint8_t* bq = b + q * 64;
      const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq));
      const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 32));
      const __m256i b2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 64));
      const __m256i b3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bq + 96));
      const uint8_t* wo = w + q / 2 * 16;
      for (int64_t r = 0; r < kLowbitMr; ++r) {
        const __m256i v = broadcast_quad(wo + r * 4);
        madd_quad(s, r, _mm256_and_si256(v, low), b0, b1);
        madd_quad(s, r, _mm256_and_si256(_mm256_srli_epi16(v, 4), low), b2, b3);
      }
    }
    flush(s, c, ldc, accumulate || q0 > 0);
  }
}

}  // namespace qedge::fast
