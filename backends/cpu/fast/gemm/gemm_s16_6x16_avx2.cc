// AVX2 int16 micro-kernel and B panel packer. Micro-kernel: per k-pair two B loads (16 columns x 2 int16 each 8 columns) and six broadcast A pairs
// feeding twelve vpmaddwd (exact int16 x int16 products, pair sums in int32) and twelve vpaddd. Compiled with
// -mavx2; only called when cpu_features() says so.
#include <immintrin.h>

#include "gemm/gemm_f32_microkernel.h"
#include "gemm/gemm_s16_microkernel.h"

namespace qedge::fast {

void gemm_s16_6x16_avx2(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate) {
  __m256i acc[kGemmMr][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_si256();
  const auto* ap = reinterpret_cast<const int32_t*>(a);
  for (int64_t p = 0; p < kp; ++p) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16));
    for (int i = 0; i < kGemmMr; ++i) {
      const __m256i av = _mm256_set1_epi32(ap[i]);
      acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(av, b0));
      acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(av, b1));
    }
    ap += kGemmMr;
    b += 2 * kGemmNr;
  }
  for (int i = 0; i < kGemmMr; ++i) {
    auto* ci = reinterpret_cast<__m256i*>(c + i * ldc);
    __m256i lo = acc[i][0], hi = acc[i][1];
    if (accumulate) {
      lo = _mm256_add_epi32(lo, _mm256_loadu_si256(ci));
      hi = _mm256_add_epi32(hi, _mm256_loadu_si256(ci + 1));
    }
    _mm256_storeu_si256(ci, lo);
    _mm256_storeu_si256(ci + 1, hi);
  }
}

// The 16 columns of rows 2p and 2p + 1 interleaved by unpacklo/hi (pairs 0-3 and 8-11, 4-7 and 12-15 per 128-bit
// lane), the lanes then put in column order.
void gemm_s16_pack_panel_avx2(const int16_t* b, int64_t ldb, int64_t pairs, int16_t* out) {
  for (int64_t p = 0; p < pairs; ++p, out += 2 * kGemmNr) {
    const int16_t* r0 = b + 2 * p * ldb;
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r0));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r0 + ldb));
    const __m256i lo = _mm256_unpacklo_epi16(x0, x1), hi = _mm256_unpackhi_epi16(x0, x1);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(lo, hi, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + kGemmNr), _mm256_permute2x128_si256(lo, hi, 0x31));
  }
}

}  // namespace qedge::fast
