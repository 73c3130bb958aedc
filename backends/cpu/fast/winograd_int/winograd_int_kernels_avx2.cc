// AVX2 integer Winograd F(2x2, 3x3) kernels: the input transform 16 channels (int16 lanes) at a time, the GEMM as a
// 4x16 vpmaddwd micro-kernel with the A rows read in place (no packing: each tile's channel pair is one broadcast
// int32), the output transform 8 maps at a time with an exact arithmetic shift for the division by 4. Four rows, not
// the int16 GEMM's six: six rows' accumulators plus the products spilled to the stack under GCC, and 16-tile images
// (7x7 outputs) fill four rows without padding; both ran at the same speed on resnet18's 3x3 layers.
// Compiled with -mavx2; only called when cpu_features() says so.
#include <immintrin.h>

#include "winograd_int/winograd_int_kernels.h"

namespace qedge::fast {

void winograd_int_input_tile_avx2(const int16_t* d, int64_t row_stride, int64_t channels, int16_t* v,
                                  int64_t p_stride) {
  for (int64_t c = 0; c < channels; c += kWinoIntLanes) {
    __m256i t[4][4];
    __m256i w[4];
    for (int j = 0; j < 4; ++j) {
      for (int i = 0; i < 4; ++i) {
        w[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + i * row_stride + j * channels + c));
      }
      t[0][j] = _mm256_sub_epi16(w[0], w[2]);
      t[1][j] = _mm256_add_epi16(w[1], w[2]);
      t[2][j] = _mm256_sub_epi16(w[2], w[1]);
      t[3][j] = _mm256_sub_epi16(w[1], w[3]);
    }
    for (int i = 0; i < 4; ++i) {
      const __m256i out[4] = {_mm256_sub_epi16(t[i][0], t[i][2]), _mm256_add_epi16(t[i][1], t[i][2]),
                              _mm256_sub_epi16(t[i][2], t[i][1]), _mm256_sub_epi16(t[i][1], t[i][3])};
      for (int j = 0; j < 4; ++j) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(v + (i * 4 + j) * p_stride + c), out[j]);
      }
    }
  }
}

void winograd_int_gemm_4x16_avx2(int64_t kp, const int16_t* a, int64_t lda, const int16_t* b, int32_t* c,
                                 int64_t ldc) {
  __m256i acc[kWinoIntMr][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_si256();
  const auto* ap = reinterpret_cast<const int32_t*>(a);
  const int64_t lda32 = lda / 2;
  for (int64_t p = 0; p < kp; ++p) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16));
    for (int r = 0; r < kWinoIntMr; ++r) {
      const __m256i av = _mm256_set1_epi32(ap[r * lda32 + p]);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(av, b0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(av, b1));
    }
    b += 2 * kWinoIntNr;
  }
  for (int r = 0; r < kWinoIntMr; ++r) {
    auto* cr = reinterpret_cast<__m256i*>(c + r * ldc);
    _mm256_storeu_si256(cr, acc[r][0]);
    _mm256_storeu_si256(cr + 1, acc[r][1]);
  }
}

void winograd_int_output_tile_avx2(const int32_t* m, int64_t p_stride, int64_t maps, int32_t* out) {
  for (int64_t k = 0; k < maps; k += 8) {
    __m256i t[2][4];
    for (int j = 0; j < 4; ++j) {
      __m256i s[4];
      for (int i = 0; i < 4; ++i) {
        s[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m + (i * 4 + j) * p_stride + k));
      }
      t[0][j] = _mm256_add_epi32(_mm256_add_epi32(s[0], s[1]), s[2]);
      t[1][j] = _mm256_sub_epi32(_mm256_sub_epi32(s[1], s[2]), s[3]);
    }
    for (int i = 0; i < 2; ++i) {
      const __m256i y0 = _mm256_add_epi32(_mm256_add_epi32(t[i][0], t[i][1]), t[i][2]);
      const __m256i y1 = _mm256_sub_epi32(_mm256_sub_epi32(t[i][1], t[i][2]), t[i][3]);
      // Exact: the wrapped lane is 4x an int32 result.
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (2 * i) * maps + k), _mm256_srai_epi32(y0, 2));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (2 * i + 1) * maps + k), _mm256_srai_epi32(y1, 2));
    }
  }
}

}  // namespace qedge::fast
