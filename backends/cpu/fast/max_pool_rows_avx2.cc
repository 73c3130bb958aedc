#include <immintrin.h>

#include <algorithm>
#include <limits>
#include <vector>

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

// The last columns [n, r.n) (fewer than `lanes`) as one more step over a copy of their window rows, zero-padded
// up to the step's loads: the input past the row may be past the tensor. `step` does lanes columns of a MaxPoolRow
// from its arguments (x, y). Leaves them to the caller past 16 window rows or a step span of kTailSpan values.
constexpr int64_t kTailSpan = 96;

template <typename T, typename Step>
int64_t tail_columns(const MaxPoolRow& r, int64_t lanes, int64_t n, const T* x, T* y, Step step) {
  // A step loads up to lanes * stride + kernel - 1 values from its start.
  const int64_t rest = r.n - n, span = lanes * r.stride + r.kernel;
  if (rest <= 0 || r.rows > 16 || span > kTailSpan) return n;
  thread_local std::vector<T> rows;
  rows.resize(static_cast<size_t>(16 * kTailSpan));
  T out[16];
  const int64_t used = (rest - 1) * r.stride + r.kernel;  // the values the rest's windows cover in each row
  for (int64_t kh = 0; kh < r.rows; ++kh) {
    const T* src = x + kh * r.row_stride + n * r.stride;
    T* row = rows.data() + kh * span;
    std::copy(src, src + used, row);
    std::fill(row + used, row + span, T{0});
  }
  MaxPoolRow tail = r;
  tail.row_stride = span;
  step(tail, rows.data(), out);
  for (int64_t i = 0; i < rest; ++i) y[n + i] = out[i];
  return r.n;
}

// Integer maxima do not depend on the order, so the window rows' maxima come first, once per input column (each
// serves up to `kernel` windows), into a row padded with the type's lowest value (which no window's maximum can
// come from: each holds an input value) that the windows then read as one row: no partial step.
template <typename T, typename Max32, typename Max16>
int64_t bytes_row(const MaxPoolRow& r, const T* x, T* y, Max32 max32, Max16 max16) {
  const int64_t used = (r.n - 1) * r.stride + r.kernel;  // the columns the windows cover, padding included
  const int64_t steps = (r.n + 15) / 16, padded = steps * 16 * r.stride + r.kernel + 32;
  // Columns [lo, hi) of the span are input values x[0, hi - lo).
  const int64_t lo = std::min(used, r.pad_before), hi = std::min(used, r.pad_before + r.readable);
  thread_local std::vector<T> column_max;
  column_max.resize(static_cast<size_t>(padded));
  T* col = column_max.data();
  std::fill(col, col + lo, std::numeric_limits<T>::lowest());
  int64_t i = lo;
  for (; i + 32 <= hi; i += 32) {
    __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i - lo));
    for (int64_t kh = 1; kh < r.rows; ++kh) {
      acc = max32(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + kh * r.row_stride + i - lo)));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(col + i), acc);
  }
  for (; i < hi; ++i) {
    T m = x[i - lo];
    for (int64_t kh = 1; kh < r.rows; ++kh) m = std::max(m, x[kh * r.row_stride + i - lo]);
    col[i] = m;
  }
  std::fill(col + hi, col + padded, std::numeric_limits<T>::lowest());
  for (int64_t o = 0; o < r.n; o += 16) {
    const T* w = col + o * r.stride;
    __m128i acc = taps16(w, r.stride);
    for (int64_t kw = 1; kw < r.kernel; ++kw) acc = max16(acc, taps16(w + kw, r.stride));
    if (r.n - o >= 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + o), acc);
    } else {
      T out[16];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), acc);
      std::copy(out, out + (r.n - o), y + o);
    }
  }
  return r.n;
}

}  // namespace

int64_t max_pool_row_avx2(const MaxPoolRow& r, const float* x, float* y) {
  const auto step = [](const MaxPoolRow& s, const float* w, float* out) {
    __m256 acc = taps8(w, s.stride);
    for (int64_t kh = 0; kh < s.rows; ++kh) {
      for (int64_t kw = kh == 0 ? 1 : 0; kw < s.kernel; ++kw) {
        acc = _mm256_max_ps(taps8(w + kh * s.row_stride + kw, s.stride), acc);  // v > acc ? v : acc
      }
    }
    _mm256_storeu_ps(out, acc);
  };
  const int64_t n = vector_columns(r, 8);
  for (int64_t o = 0; o < n; o += 8) step(r, x + o * r.stride, y + o);
  return tail_columns(r, 8, n, x, y, step);
}

int64_t max_pool_row_avx2(const MaxPoolRow& r, const int8_t* x, int8_t* y) {
  return bytes_row(
      r, x, y, [](__m256i a, __m256i b) { return _mm256_max_epi8(a, b); },
      [](__m128i a, __m128i b) { return _mm_max_epi8(a, b); });
}

int64_t max_pool_row_avx2(const MaxPoolRow& r, const uint8_t* x, uint8_t* y) {
  return bytes_row(
      r, x, y, [](__m256i a, __m256i b) { return _mm256_max_epu8(a, b); },
      [](__m128i a, __m128i b) { return _mm_max_epu8(a, b); });
}

}  // namespace qedge::fast
