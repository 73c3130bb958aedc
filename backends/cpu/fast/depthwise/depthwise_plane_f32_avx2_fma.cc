// Compiled with -mavx2 -mfma; entered only when cpu_features() reports AVX2 and FMA.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "depthwise_plane.h"
#include "depthwise_rows.h"

namespace qedge::fast {
namespace {

constexpr int64_t kLanes = 8;

// General windows. Each output row splits into blocks of eight outputs whose whole windows lie inside the input row
// (one vector each; the last block overlaps its neighbour when the count is not a multiple of eight) and the few
// outputs at the row's ends, which depthwise_point computes exactly.

// Starts [lo, hi] of the blocks of a row; hi < lo when there is none.
void block_starts(const ref::NnGeometry& g, int64_t* lo, int64_t* hi) {
  const int64_t s = g.stride[2], pad = g.pad_begin[2], room = g.in[2] - g.extent(2) + pad;
  *lo = (pad + s - 1) / s;
  // Gather offsets (lane * stride) are int32.
  const bool fits = s <= (int64_t{1} << 27);
  *hi = room < 0 || !fits ? -1 : std::min(g.out[2] - kLanes, room / s - (kLanes - 1));
}

// Output o2 of the row whose input rows are rows[0, n): bias plus the taps that fall inside the row, in tap order.
float depthwise_point(const ref::NnGeometry& g, const DepthwiseRow* rows, int64_t n, float bias, int64_t o2) {
  float acc = bias;
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t k = 0; k < g.kernel[2]; ++k) {
      const int64_t i2 = o2 * g.stride[2] - g.pad_begin[2] + k * g.dilation[2];
      if (i2 >= 0 && i2 < g.in[2]) acc += rows[r].w[k] * rows[r].x[i2];
    }
  }
  return acc;
}

// One fused multiply-add per tap and input row, unit-stride loads or gathers.
void general_plane(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  const int64_t s = g.stride[2], ow = g.out[2];
  const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int>(s)));
  int64_t lo, hi;
  block_starts(g, &lo, &hi);
  // Per thread and only growing: this runs once per (image, map) plane, and a run should not allocate.
  thread_local std::vector<DepthwiseRow> rows;
  rows.resize(std::max(rows.size(), static_cast<size_t>(g.kernel[0] * g.kernel[1])));
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const int64_t n = depthwise_rows(p, o0, o1, rows.data());
      float* y = p.y + (o0 * g.out[1] + o1) * ow;
      int64_t o2 = 0;
      if (hi >= lo) {
        for (; o2 < lo; ++o2) y[o2] = depthwise_point(g, rows.data(), n, p.bias, o2);
        for (int64_t b = lo;; b += kLanes) {
          const int64_t start = std::min(b, hi);
          __m256 acc = _mm256_set1_ps(p.bias);
          for (int64_t r = 0; r < n; ++r) {
            for (int64_t k = 0; k < g.kernel[2]; ++k) {
              const float* x = rows[r].x + start * s - g.pad_begin[2] + k * g.dilation[2];
              const __m256 v = s == 1 ? _mm256_loadu_ps(x) : _mm256_i32gather_ps(x, idx, 4);
              acc = _mm256_fmadd_ps(_mm256_set1_ps(rows[r].w[k]), v, acc);
            }
          }
          _mm256_storeu_ps(y + start, acc);
          if (b >= hi) break;
        }
        o2 = hi + kLanes;
      }
      for (; o2 < ow; ++o2) y[o2] = depthwise_point(g, rows.data(), n, p.bias, o2);
    }
  }
}

// 3x3 windows read a zero-padded copy of the input slice (depthwise_3x3_padded_dims), so every block of eight
// outputs is whole vectors with no bounds to check; the last block of a row stores only its valid lanes.

void pad_slice(const ref::NnGeometry& g, const float* x, int64_t rows, int64_t cols, float* out) {
  const int64_t left = std::min(g.pad_begin[2], cols);
  const int64_t copy = std::max<int64_t>(0, std::min(g.in[2], cols - left));
  for (int64_t r = 0; r < rows; ++r, out += cols) {
    const int64_t i = r - g.pad_begin[1];
    if (i < 0 || i >= g.in[1]) {
      std::fill(out, out + cols, 0.0f);
      continue;
    }
    std::fill(out, out + left, 0.0f);
    std::memcpy(out + left, x + i * g.in[2], static_cast<size_t>(copy) * sizeof(float));
    std::fill(out + left + copy, out + cols, 0.0f);
  }
}

// The three taps of a 3x3 row at stride 2 for eight outputs reading x[0, 17), each in the lane order
// {0, 1, 4, 5, 2, 3, 6, 7}: the even, odd and shifted even elements. Lanes stay in that order through the sums and
// are put back in place once per block (the same permutation for every term).
struct Taps3 {
  __m256 t0, t1, t2;
};
Taps3 taps_s2(const float* x) {
  const __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(x + 8);
  const __m256 c = _mm256_loadu_ps(x + 2), d = _mm256_loadu_ps(x + 9);
  return {_mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)),
          // x[2, 4, 6, 8] from c's even lanes, x[10, 12, 14, 16] from d's odd lanes (d starts at x[9]).
          _mm256_shuffle_ps(c, d, _MM_SHUFFLE(3, 1, 2, 0))};
}
Taps3 taps_s1(const float* x) { return {_mm256_loadu_ps(x), _mm256_loadu_ps(x + 1), _mm256_loadu_ps(x + 2)}; }

// Eight outputs from three padded input rows: one partial sum per kernel row.
template <int kStride>
__m256 block_3x3(const __m256* w, __m256 bias, const float* r0, const float* r1, const float* r2) {
  const Taps3 x0 = kStride == 1 ? taps_s1(r0) : taps_s2(r0);
  const Taps3 x1 = kStride == 1 ? taps_s1(r1) : taps_s2(r1);
  const Taps3 x2 = kStride == 1 ? taps_s1(r2) : taps_s2(r2);
  __m256 a0 = _mm256_fmadd_ps(w[0], x0.t0, bias);
  __m256 a1 = _mm256_mul_ps(w[3], x1.t0);
  __m256 a2 = _mm256_mul_ps(w[6], x2.t0);
  a0 = _mm256_fmadd_ps(w[1], x0.t1, a0);
  a1 = _mm256_fmadd_ps(w[4], x1.t1, a1);
  a2 = _mm256_fmadd_ps(w[7], x2.t1, a2);
  a0 = _mm256_fmadd_ps(w[2], x0.t2, a0);
  a1 = _mm256_fmadd_ps(w[5], x1.t2, a1);
  a2 = _mm256_fmadd_ps(w[8], x2.t2, a2);
  const __m256 sum = _mm256_add_ps(_mm256_add_ps(a0, a1), a2);
  if (kStride == 1) return sum;
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sum), _MM_SHUFFLE(3, 1, 2, 0)));
}

template <int kStride>
void plane_3x3(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  const int64_t ow = g.out[2], plane_out = g.out[1] * ow, tail = ow % kLanes;
  int64_t rows, cols;
  depthwise_3x3_padded_dims(g, &rows, &cols);
  __m256 w[9];
  for (int t = 0; t < 9; ++t) w[t] = _mm256_set1_ps(p.w[t]);
  const __m256 bias = _mm256_set1_ps(p.bias);
  const __m256i tail_mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(tail)),
                                               _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    float* y_slice = p.y + o0 * plane_out;
    const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0];
    if (i0 < 0 || i0 >= g.in[0]) {  // a depth slice in the padding: bias only
      std::fill(y_slice, y_slice + plane_out, p.bias);
      continue;
    }
    pad_slice(g, p.x + i0 * g.in[1] * g.in[2], rows, cols, p.scratch);
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const float* r0 = p.scratch + o1 * g.stride[1] * cols;
      float* y = y_slice + o1 * ow;
      int64_t o2 = 0;
      for (; o2 + kLanes <= ow; o2 += kLanes) {
        const int64_t c = o2 * kStride;
        _mm256_storeu_ps(y + o2, block_3x3<kStride>(w, bias, r0 + c, r0 + cols + c, r0 + 2 * cols + c));
      }
      if (tail != 0) {
        const int64_t c = o2 * kStride;
        _mm256_maskstore_ps(y + o2, tail_mask, block_3x3<kStride>(w, bias, r0 + c, r0 + cols + c, r0 + 2 * cols + c));
      }
    }
  }
}

}  // namespace

void depthwise_plane_f32_avx2_fma(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  if (!depthwise_3x3(g)) return general_plane(p);
  if (g.stride[2] == 1) return plane_3x3<1>(p);
  plane_3x3<2>(p);
}

}  // namespace qedge::fast
