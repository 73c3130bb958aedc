// AVX2 low-bit micro-kernels: per quad of k, two B loads (16 columns x 4 u8) and four broadcast weight quads feed
// eight vpmaddubsw (u8 x s8 pair sums, exact in int16 by the layout's bound) added in int16 with vpaddw; every
// `group` quads one vpmaddwd by ones widens the sums to int32. The u8s4 kernel broadcasts 4 bytes of nibbles per
// row and splits them with and/shift into the two quads of an octet, so the weights stay packed in memory.
// Compiled with -mavx2; only called when cpu_features() says so.
#include <immintrin.h>

#include <algorithm>

#include "gemm_lowbit/lowbit_quads_x86.h"

namespace qedge::fast {
namespace {

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

// The k loop in groups of `group` quads, whose int16 sums are widened after each group.
template <typename Quads>
void grouped(int64_t kq, int64_t group, int32_t* c, int64_t ldc, bool accumulate, const Quads& quads) {
  for (int64_t q0 = 0; q0 < kq; q0 += group) {
    __m256i s[kLowbitMr][2];
    for (auto& row : s) row[0] = row[1] = _mm256_setzero_si256();
    quads(q0, std::min(kq, q0 + group), [&](int64_t r, __m256i w, __m256i b0, __m256i b1) {
      s[r][0] = _mm256_add_epi16(s[r][0], _mm256_maddubs_epi16(b0, w));
      s[r][1] = _mm256_add_epi16(s[r][1], _mm256_maddubs_epi16(b1, w));
    });
    flush(s, c, ldc, accumulate || q0 > 0);
  }
}

}  // namespace

void gemm_u8s8_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  grouped(kq, group, c, ldc, accumulate,
          [&](int64_t q0, int64_t q1, const auto& dot) { byte_quads(q0, q1, w, b, dot); });
}

void gemm_u8s4_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate) {
  grouped(kq, group, c, ldc, accumulate,
          [&](int64_t q0, int64_t q1, const auto& dot) { nibble_quads(q0, q1, w, b, dot); });
}

}  // namespace qedge::fast
