// Compiled with -mavx2; entered only when cpu_features() reports AVX2. vpmaddwd multiplies int16 pairs and adds each
// pair's two products into one int32 lane, so a load of 16 padded input values starting at an output's first tap,
// against the weight pair (w0, w1), gives the first two taps of eight outputs (every other output at stride 1, eight
// consecutive ones at stride 2); the same load two columns on, against (w2, 0), gives the third. Every product and
// sum is an exact integer (the caller bounds them below 2^31), so any order gives the reference's sums.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "depthwise_qplane.h"

namespace qedge::fast {
namespace {

__m256i load16(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// Sixteen 8-bit levels (of the type of the second argument) minus the zero point, as int16.
__m256i widen(__m128i v, uint8_t, __m256i zp) { return _mm256_sub_epi16(_mm256_cvtepu8_epi16(v), zp); }
__m256i widen(__m128i v, int8_t, __m256i zp) { return _mm256_sub_epi16(_mm256_cvtepi8_epi16(v), zp); }
template <typename T>
__m256i widen(const T* x, __m256i zp) {
  return widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x)), T{}, zp);
}

// Sixteen int16 zeros.
void zero16(int16_t* out) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_setzero_si256()); }

// At least n zeros in whole vectors. The first two stores are unrolled: a plain loop of them becomes a memset call,
// which costs more than the one store a padding run usually needs.
void zero_run(int16_t* out, int64_t n) {
  if (n <= 0) return;
  zero16(out);
  if (n <= 16) return;
  zero16(out + 16);
  if (n <= 32) return;
  for (int64_t i = 32; i < n; i += 16) zero16(out + i);
}

// One input row into a padded row of `cols`: zeros, the row's levels minus the zero point from column `left`, zeros.
// Whole vectors only: the stores may spill up to 16 values past the row's end (into the next row, written after
// this one, or the scratch's slack). The loads stay inside the input plane [begin, end).
template <typename T>
void pad_row(const T* x, const T* begin, const T* end, int64_t width, int64_t left, int64_t cols, int16_t zero_point,
             int16_t* out) {
  const __m256i zp = _mm256_set1_epi16(zero_point);
  left = std::min(left, cols);
  const int64_t copy = std::max<int64_t>(0, std::min(width, cols - left));
  zero_run(out, left);
  int16_t* row = out + left;
  if (copy >= 16) {
    for (int64_t i = 0; i + 16 <= copy; i += 16) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + i), widen(x + i, zp));
    }
    // The last (partial) vector overlaps its neighbour, reading only inside the row.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + copy - 16), widen(x + copy - 16, zp));
  } else if (end - x >= 16) {
    // A short row (14 or 7 wide in mobilenet_v2) with 16 readable levels: what lies past it is overwritten below.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row), widen(x, zp));
  } else if ((x - begin) + copy >= 16) {
    // The plane's last short rows: the 16 levels ending at the row's end, moved down to its start (lanes from copy
    // on take other levels, overwritten below).
    const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + copy - 16));
    const __m128i down = _mm_add_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                      _mm_set1_epi8(static_cast<char>(16 - copy)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row), widen(_mm_shuffle_epi8(tail, down), T{}, zp));
  } else {
    // A plane of fewer than 16 levels: one by one.
    for (int64_t i = 0; i < copy; ++i) row[i] = static_cast<int16_t>(static_cast<int16_t>(x[i]) - zero_point);
  }
  zero_run(out + left + copy, cols - left - copy);
}

// The slice's rows that the windows read, padded.
template <typename T>
void pad_slice(const ref::NnGeometry& g, const T* x, int32_t zero_point, int64_t rows, int64_t cols, int16_t* out) {
  const T* end = x + g.in[1] * g.in[2];
  for (int64_t r = 0; r < rows; ++r, out += cols) {
    const int64_t i = r - g.pad_begin[1];
    if (i < 0 || i >= g.in[1]) {
      zero_run(out, cols);
    } else {
      pad_row(x + i * g.in[2], x, end, g.in[2], g.pad_begin[2], cols, static_cast<int16_t>(zero_point), out);
    }
  }
}

// The weights of one kernel row as vpmaddwd pairs: (w0, w1) for the first two taps, (w2, 0) for the third.
struct RowWeights {
  __m256i w01, w2;
};
RowWeights row_weights(const int16_t* w) {
  const auto pair = [](int16_t lo, int16_t hi) {
    return _mm256_set1_epi32(static_cast<int32_t>(static_cast<uint16_t>(lo)) |
                             static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16));
  };
  return {pair(w[0], w[1]), pair(w[2], 0)};
}

// The three taps of one kernel row for the eight outputs whose pairs start at x[0], x[2], ..., x[14].
__m256i row_taps(const int16_t* x, const RowWeights& w) {
  return _mm256_add_epi32(_mm256_madd_epi16(load16(x), w.w01), _mm256_madd_epi16(load16(x + 2), w.w2));
}

// Stride 1: sixteen outputs of a row from the three padded input rows r[k] at the block's first column. The even
// outputs start at r[k], the odd ones one column on; the two are interleaved at the end.
void block16_s1(const int16_t* const* r, const RowWeights* w, int32_t* out) {
  __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
  for (int k = 0; k < 3; ++k) {
    even = _mm256_add_epi32(even, row_taps(r[k], w[k]));
    odd = _mm256_add_epi32(odd, row_taps(r[k] + 1, w[k]));
  }
  // The unpacks interleave within 128-bit lanes: outputs 0-3 and 8-11, then 4-7 and 12-15.
  const __m256i lo = _mm256_unpacklo_epi32(even, odd), hi = _mm256_unpackhi_epi32(even, odd);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(lo, hi, 0x20));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8), _mm256_permute2x128_si256(lo, hi, 0x31));
}

// Stride 2: eight outputs, pairs of columns in place.
void block8_s2(const int16_t* const* r, const RowWeights* w, int32_t* out) {
  const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(row_taps(r[0], w[0]), row_taps(r[1], w[1])),
                                       row_taps(r[2], w[2]));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), sum);
}

template <int kStride, typename T>
void plane(const DepthwiseQPlane& p) {
  const ref::NnGeometry& g = *p.g;
  constexpr int64_t kBlock = kStride == 1 ? 16 : 8;
  const int64_t ow = g.out[2], plane_out = g.out[1] * ow, sh = g.stride[1];
  int64_t rows, cols;
  depthwise_qplane_padded_dims(g, &rows, &cols);
  RowWeights w[3];
  for (int k = 0; k < 3; ++k) w[k] = row_weights(p.w + 3 * k);
  const T* x = static_cast<const T*>(p.x);
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    int32_t* acc = p.acc + o0 * plane_out;
    const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0];
    if (i0 < 0 || i0 >= g.in[0]) {  // a depth slice in the padding: no taps
      std::fill(acc, acc + plane_out, 0);
      continue;
    }
    pad_slice(g, x + i0 * g.in[1] * g.in[2], p.zero_point, rows, cols, p.scratch);
    // Rows in order: a row's last block may spill into the next row's start, which that row then overwrites.
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const int16_t* top = p.scratch + o1 * sh * cols;
      for (int64_t o2 = 0; o2 < ow; o2 += kBlock) {
        const int16_t* r[3] = {top + o2 * kStride, top + cols + o2 * kStride, top + 2 * cols + o2 * kStride};
        if (kStride == 1) {
          block16_s1(r, w, acc + o1 * ow + o2);
        } else {
          block8_s2(r, w, acc + o1 * ow + o2);
        }
      }
    }
  }
}

template <int kStride>
void plane_of_type(const DepthwiseQPlane& p) {
  if (p.x_signed) return plane<kStride, int8_t>(p);
  plane<kStride, uint8_t>(p);
}

}  // namespace

void depthwise_qplane_3x3_avx2(const DepthwiseQPlane& p) {
  if (p.g->stride[2] == 1) return plane_of_type<1>(p);
  plane_of_type<2>(p);
}

}  // namespace qedge::fast
