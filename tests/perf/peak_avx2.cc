// AVX2 peak loops (compiled with -mavx2 -mfma). The int8 loop is the AVX2 int8 dot-product idiom without VNNI:
// vpmaddubsw (u8 x s8 -> s16 pairs) then vpmaddwd by ones (-> s32) and vpaddd.
#include <immintrin.h>

#include "peak.h"

namespace qedge::perf {

float peak_fma_f32(int64_t iterations) {
  __m256 acc[12];
  for (auto& a : acc) a = _mm256_set1_ps(0.0f);
  const __m256 x = _mm256_set1_ps(1.0001f), y = _mm256_set1_ps(0.9999f);
  for (int64_t i = 0; i < iterations; ++i) {
    for (auto& a : acc) a = _mm256_fmadd_ps(x, y, a);
  }
  __m256 s = acc[0];
  for (int k = 1; k < 12; ++k) s = _mm256_add_ps(s, acc[k]);
  return _mm256_cvtss_f32(s);
}

int32_t peak_madd_i8(int64_t iterations) {
  __m256i acc[4];
  for (auto& a : acc) a = _mm256_setzero_si256();
  __m256i u0 = _mm256_set1_epi8(3), u1 = _mm256_set1_epi8(5), u2 = _mm256_set1_epi8(7), u3 = _mm256_set1_epi8(9);
  const __m256i s = _mm256_set1_epi8(-2), ones = _mm256_set1_epi16(1);
  for (int64_t i = 0; i < iterations; ++i) {
    // An empty asm that "changes" the inputs keeps the compiler from hoisting or sharing the products.
    __asm__ volatile("" : "+x"(u0), "+x"(u1), "+x"(u2), "+x"(u3));
    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(_mm256_maddubs_epi16(u0, s), ones));
    acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(_mm256_maddubs_epi16(u1, s), ones));
    acc[2] = _mm256_add_epi32(acc[2], _mm256_madd_epi16(_mm256_maddubs_epi16(u2, s), ones));
    acc[3] = _mm256_add_epi32(acc[3], _mm256_madd_epi16(_mm256_maddubs_epi16(u3, s), ones));
  }
  __m256i t = _mm256_add_epi32(_mm256_add_epi32(acc[0], acc[1]), _mm256_add_epi32(acc[2], acc[3]));
  return _mm256_extract_epi32(t, 0);
}

}  // namespace qedge::perf
