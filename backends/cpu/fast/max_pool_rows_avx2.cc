#include <immintrin.h>

#include "max_pool_rows.h"

namespace qedge::fast {
namespace {

// Eight float taps at x, x + stride, ..., x + 7 * stride (stride 1 or 2): reads x[0..8 * stride).
inline __m256 taps8(const float* x, int64_t stride) {
  if (stride == 1) return _mm256_loadu_ps(x);
  const __m256 lo = _mm256_loadu_ps(x), hi = _mm256_loadu_ps(x + 8);
  const __m256 even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));  // lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
}

// Sixteen byte taps at x, x + stride, ... (stride 1 or 2): reads x[0..16 * stride).
inline __m128i taps16(const void* x, int64_t stride) {
  if (stride == 1) return _mm_loadu_si128(static_cast<const __m128i*>(x));
  const __m256i v = _mm256_loadu_si256(static_cast<const __m256i*>(x));
  const __m256i even = _mm256_shuffle_epi8(
      v, _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1, 0, 2, 4, 6, 8, 10, 12, 14, -1,
                          -1, -1, -1, -1, -1, -1, -1));
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(even, _MM_SHUFFLE(3, 1, 2, 0)));
}

// Columns done in steps of `lanes`: a step's last load ends at (step start) * stride + kernel - 1 + lanes * stride.
int64_t vector_columns(const MaxPoolRow& r, int64_t lanes) {
  int64_t n = r.n - r.n % lanes;
  while (n > 0 && (n - lanes) * r.stride + r.kernel - 1 + lanes * r.stride > r.readable) n -= lanes;
  return n;
}

template <typename T, typename Max>
int64_t bytes_row(const MaxPoolRow& r, const T* x, T* y, Max max) {
  const int64_t n = vector_columns(r, 16);
  for (int64_t o = 0; o < n; o += 16) {
    const T* w = x + o * r.stride;
    __m128i acc = taps16(w, r.stride);
    for (int64_t kh = 0; kh < r.rows; ++kh) {
      for (int64_t kw = kh == 0 ? 1 : 0; kw < r.kernel; ++kw) acc = max(acc, taps16(w + kh * r.row_stride + kw, r.stride));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + o), acc);
  }
  return n;
}

}  // namespace

int64_t max_pool_row_avx2(const MaxPoolRow& r, const float* x, float* y) {
  const int64_t n = vector_columns(r, 8);
  for (int64_t o = 0; o < n; o += 8) {
    const float* w = x + o * r.stride;
    __m256 acc = taps8(w, r.stride);
    for (int64_t kh = 0; kh < r.rows; ++kh) {
      for (int64_t kw = kh == 0 ? 1 : 0; kw < r.kernel; ++kw) {
        acc = _mm256_max_ps(taps8(w + kh * r.row_stride + kw, r.stride), acc);  // v > acc ? v : acc
      }
    }
    _mm256_storeu_ps(y + o, acc);
  }
  return n;
}

// Integer maxima do not depend on the order.
int64_t max_pool_row_avx2(const MaxPoolRow& r, const int8_t* x, int8_t* y) {
  return bytes_row(r, x, y, [](__m128i a, __m128i b) { return _mm_max_epi8(a, b); });
}

int64_t max_pool_row_avx2(const MaxPoolRow& r, const uint8_t* x, uint8_t* y) {
  return bytes_row(r, x, y, [](__m128i a, __m128i b) { return _mm_max_epu8(a, b); });
}

}  // namespace qedge::fast
