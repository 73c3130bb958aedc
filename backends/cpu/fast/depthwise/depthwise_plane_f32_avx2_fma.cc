// Compiled with -mavx2 -mfma; entered only when cpu_features() reports AVX2 and FMA.
// Each output row is split into outputs whose whole window lies inside the input row (blocks of eight, one vector
// each, the last block overlapping its neighbour when the count is not a multiple of eight) and the few at the row's
// ends, which depthwise_point computes exactly.
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "depthwise_plane.h"
#include "depthwise_rows.h"

namespace qedge::fast {
namespace {

constexpr int64_t kLanes = 8;

// Starts [lo, hi] of the blocks of a row whose windows (along the row: `stride`, `pad`, `extent`) read only inside
// an input row of `in` values; hi < lo when there is none.
void block_starts(const ref::NnGeometry& g, int64_t* lo, int64_t* hi) {
  const int64_t s = g.stride[2], pad = g.pad_begin[2], room = g.in[2] - g.extent(2) + pad;
  *lo = (pad + s - 1) / s;
  // Gather offsets (lane * stride) are int32.
  const bool fits = s <= (int64_t{1} << 27);
  *hi = room < 0 || !fits ? -1 : std::min(g.out[2] - kLanes, room / s - (kLanes - 1));
}

// Runs `block(y, rows, n, o2)` (eight outputs from o2) over the blocks of every output row and depthwise_point over
// the rest. With three_rows the rows are the three kernel rows of a 3x3 window, rows in the padding reading p.zeros.
template <typename Block>
void for_each_row(const DepthwisePlane& p, bool three_rows, Block&& block) {
  const ref::NnGeometry& g = *p.g;
  const int64_t ow = g.out[2];
  int64_t lo, hi;
  block_starts(g, &lo, &hi);
  std::vector<DepthwiseRow> rows(static_cast<size_t>(g.kernel[0] * g.kernel[1]));
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      int64_t n = 0;
      if (three_rows) {
        const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0];
        for (int64_t k1 = 0; k1 < 3; ++k1, ++n) {
          const int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
          const bool inside = i0 >= 0 && i0 < g.in[0] && i1 >= 0 && i1 < g.in[1];
          rows[n] = {inside ? p.x + (i0 * g.in[1] + i1) * g.in[2] : p.zeros, p.w + k1 * 3};
        }
      } else {
        n = depthwise_rows(p, o0, o1, rows.data());
      }
      float* y = p.y + (o0 * g.out[1] + o1) * ow;
      int64_t done = 0;
      if (hi >= lo) {
        for (; done < lo; ++done) y[done] = depthwise_point(g, rows.data(), n, p.bias, done);
        for (int64_t o2 = lo;; o2 += kLanes) {
          block(y, rows.data(), n, std::min(o2, hi));
          if (o2 >= hi) break;
        }
        done = hi + kLanes;
      }
      for (; done < ow; ++done) y[done] = depthwise_point(g, rows.data(), n, p.bias, done);
    }
  }
}

// Any window: one fused multiply-add per tap and row, unit-stride loads or gathers.
void general_plane(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  const int64_t s = g.stride[2];
  const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int>(s)));
  for_each_row(p, false, [&](float* y, const DepthwiseRow* rows, int64_t n, int64_t o2) {
    __m256 acc = _mm256_set1_ps(p.bias);
    const int64_t start = o2 * s - g.pad_begin[2];
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t k = 0; k < g.kernel[2]; ++k) {
        const float* x = rows[r].x + start + k * g.dilation[2];
        const __m256 v = s == 1 ? _mm256_loadu_ps(x) : _mm256_i32gather_ps(x, idx, 4);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(rows[r].w[k]), v, acc);
      }
    }
    _mm256_storeu_ps(y + o2, acc);
  });
}

// 3x3, row stride 1: nine unaligned loads, one partial sum per kernel row.
void plane_3x3_s1(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  __m256 w[9];
  for (int t = 0; t < 9; ++t) w[t] = _mm256_set1_ps(p.w[t]);
  const __m256 bias = _mm256_set1_ps(p.bias);
  for_each_row(p, true, [&](float* y, const DepthwiseRow* rows, int64_t, int64_t o2) {
    const int64_t b = o2 - g.pad_begin[2];
    const float *r0 = rows[0].x + b, *r1 = rows[1].x + b, *r2 = rows[2].x + b;
    __m256 a0 = _mm256_fmadd_ps(w[0], _mm256_loadu_ps(r0), bias);
    __m256 a1 = _mm256_mul_ps(w[3], _mm256_loadu_ps(r1));
    __m256 a2 = _mm256_mul_ps(w[6], _mm256_loadu_ps(r2));
    a0 = _mm256_fmadd_ps(w[1], _mm256_loadu_ps(r0 + 1), a0);
    a1 = _mm256_fmadd_ps(w[4], _mm256_loadu_ps(r1 + 1), a1);
    a2 = _mm256_fmadd_ps(w[7], _mm256_loadu_ps(r2 + 1), a2);
    a0 = _mm256_fmadd_ps(w[2], _mm256_loadu_ps(r0 + 2), a0);
    a1 = _mm256_fmadd_ps(w[5], _mm256_loadu_ps(r1 + 2), a1);
    a2 = _mm256_fmadd_ps(w[8], _mm256_loadu_ps(r2 + 2), a2);
    _mm256_storeu_ps(y + o2, _mm256_add_ps(_mm256_add_ps(a0, a1), a2));
  });
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

// 3x3, row stride 2 (the downsampling layers).
void plane_3x3_s2(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  __m256 w[9];
  for (int t = 0; t < 9; ++t) w[t] = _mm256_set1_ps(p.w[t]);
  const __m256 bias = _mm256_set1_ps(p.bias);
  for_each_row(p, true, [&](float* y, const DepthwiseRow* rows, int64_t, int64_t o2) {
    const int64_t b = 2 * o2 - g.pad_begin[2];
    const Taps3 x0 = taps_s2(rows[0].x + b), x1 = taps_s2(rows[1].x + b), x2 = taps_s2(rows[2].x + b);
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
    _mm256_storeu_ps(y + o2, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(sum), _MM_SHUFFLE(3, 1, 2, 0))));
  });
}

}  // namespace

void depthwise_plane_f32_avx2_fma(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  const bool k3x3 = g.kernel[0] == 1 && g.kernel[1] == 3 && g.kernel[2] == 3 && g.dilation[1] == 1 && g.dilation[2] == 1;
  if (k3x3 && g.stride[2] == 1) return plane_3x3_s1(p);
  if (k3x3 && g.stride[2] == 2) return plane_3x3_s2(p);
  general_plane(p);
}

}  // namespace qedge::fast
