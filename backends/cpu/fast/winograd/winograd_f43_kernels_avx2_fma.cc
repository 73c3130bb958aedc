// AVX2+FMA F(4x4, 3x3) transforms, 8 tiles of a tile row per step, one tile per lane. The stride-4 window columns are
// deinterleaved in registers (an 8x4 transpose of 32 contiguous floats) and output rows interleaved back the same
// way, so neither transform gathers or scatters single floats. Groups of 8 tiles that straddle two 16-tile panel
// blocks, or end a row early, go through masked loads and stores. Compiled with -mavx2 -mfma; only called when
// cpu_features() says so.
#include <immintrin.h>

#include <algorithm>

#include "winograd/winograd_kernels.h"

namespace qedge::fast {
namespace {

constexpr int kGroup = 8;

// Lanes [lo, hi) set.
__m256i lane_mask(int64_t lo, int64_t hi) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i ge_lo = _mm256_cmpgt_epi32(iota, _mm256_set1_epi32(static_cast<int>(lo) - 1));
  return _mm256_and_si256(ge_lo, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(hi)), iota));
}

// Tiles t .. t + count - 1 (count <= 8) in a panel-block buffer: where lane 0 sits in block t / 16 and, when the
// group runs into the next block, where that block's lane 0 sits relative to the group's lane `split`.
struct GroupAddress {
  int64_t first = 0, second = 0, split = kGroup, count = kGroup;
  GroupAddress(const WinogradTileLayout& layout, int64_t t, int64_t n) : count(n) {
    const int64_t lane = t % kWinogradLanes;
    first = t / kWinogradLanes * layout.block_stride + lane;
    split = std::min<int64_t>(kWinogradLanes - lane, kGroup);
    second = (t / kWinogradLanes + 1) * layout.block_stride - split;
  }
  bool whole() const { return split == kGroup && count == kGroup; }
};

__m256 load_group(const float* base, const GroupAddress& at) {
  if (at.whole()) return _mm256_loadu_ps(base + at.first);
  __m256 r = _mm256_maskload_ps(base + at.first, lane_mask(0, std::min(at.split, at.count)));
  if (at.count > at.split) r = _mm256_add_ps(r, _mm256_maskload_ps(base + at.second, lane_mask(at.split, at.count)));
  return r;
}

void store_group(float* base, const GroupAddress& at, __m256 v) {
  if (at.whole()) return _mm256_storeu_ps(base + at.first, v);
  _mm256_maskstore_ps(base + at.first, lane_mask(0, std::min(at.split, at.count)), v);
  if (at.count > at.split) _mm256_maskstore_ps(base + at.second, lane_mask(at.split, at.count), v);
}

// p[j] = x[4 * k + j] for tiles k = 0..7 (lanes), j < 4, from the 32 floats at x.
void deinterleave4(const float* x, __m256 p[4]) {
  const __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(x + 8), c = _mm256_loadu_ps(x + 16);
  const __m256 e = _mm256_loadu_ps(x + 24);
  const __m256 u0 = _mm256_permute2f128_ps(a, c, 0x20), u1 = _mm256_permute2f128_ps(a, c, 0x31);
  const __m256 u2 = _mm256_permute2f128_ps(b, e, 0x20), u3 = _mm256_permute2f128_ps(b, e, 0x31);
  const __m256 w0 = _mm256_unpacklo_ps(u0, u1), w1 = _mm256_unpackhi_ps(u0, u1);
  const __m256 w2 = _mm256_unpacklo_ps(u2, u3), w3 = _mm256_unpackhi_ps(u2, u3);
  p[0] = _mm256_shuffle_ps(w0, w2, _MM_SHUFFLE(1, 0, 1, 0));
  p[1] = _mm256_shuffle_ps(w0, w2, _MM_SHUFFLE(3, 2, 3, 2));
  p[2] = _mm256_shuffle_ps(w1, w3, _MM_SHUFFLE(1, 0, 1, 0));
  p[3] = _mm256_shuffle_ps(w1, w3, _MM_SHUFFLE(3, 2, 3, 2));
}

// The inverse: x[4 * k + j] = p[j] lane k, 32 floats into out[0..31].
void interleave4(const __m256 p[4], __m256 out[4]) {
  const __m256 x0 = _mm256_unpacklo_ps(p[0], p[1]), x1 = _mm256_unpackhi_ps(p[0], p[1]);
  const __m256 x2 = _mm256_unpacklo_ps(p[2], p[3]), x3 = _mm256_unpackhi_ps(p[2], p[3]);
  const __m256 u0 = _mm256_shuffle_ps(x0, x2, _MM_SHUFFLE(1, 0, 1, 0)), u1 = _mm256_shuffle_ps(x0, x2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u2 = _mm256_shuffle_ps(x1, x3, _MM_SHUFFLE(1, 0, 1, 0)), u3 = _mm256_shuffle_ps(x1, x3, _MM_SHUFFLE(3, 2, 3, 2));
  out[0] = _mm256_permute2f128_ps(u0, u1, 0x20);
  out[1] = _mm256_permute2f128_ps(u2, u3, 0x20);
  out[2] = _mm256_permute2f128_ps(u0, u1, 0x31);
  out[3] = _mm256_permute2f128_ps(u2, u3, 0x31);
}

// B^T d, as in the portable bt6.
void bt6(const __m256 d[6], __m256 out[6]) {
  const __m256 four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f), two = _mm256_set1_ps(2.0f);
  const __m256 s12 = _mm256_fnmadd_ps(four, d[2], d[4]), s34 = _mm256_fnmadd_ps(four, d[1], d[3]);
  const __m256 t12 = _mm256_sub_ps(d[4], d[2]), t34 = _mm256_mul_ps(two, _mm256_sub_ps(d[3], d[1]));
  out[0] = _mm256_add_ps(_mm256_fnmadd_ps(five, d[2], _mm256_mul_ps(four, d[0])), d[4]);
  out[1] = _mm256_add_ps(s12, s34);
  out[2] = _mm256_sub_ps(s12, s34);
  out[3] = _mm256_add_ps(t12, t34);
  out[4] = _mm256_sub_ps(t12, t34);
  out[5] = _mm256_add_ps(_mm256_fnmadd_ps(five, d[3], _mm256_mul_ps(four, d[1])), d[5]);
}

// A^T m + bias, as in the portable at6.
void at6(const __m256 m[6], __m256 bias, __m256 out[4]) {
  const __m256 a12 = _mm256_add_ps(m[1], m[2]), s12 = _mm256_sub_ps(m[1], m[2]);
  const __m256 a34 = _mm256_add_ps(m[3], m[4]), s34 = _mm256_sub_ps(m[3], m[4]);
  out[0] = _mm256_add_ps(_mm256_add_ps(m[0], a12), _mm256_add_ps(a34, bias));
  out[1] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(2.0f), s34, s12), bias);
  out[2] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(4.0f), a34, a12), bias);
  out[3] = _mm256_add_ps(_mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), s34, s12), m[5]), bias);
}

}  // namespace

void winograd_f43_input_row_avx2_fma(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                     const WinogradTileLayout& layout) {
  for (int64_t k0 = 0; k0 < tiles; k0 += kGroup) {
    __m256 t[6][6];  // t[i][b] = (d B)(i, b), tiles in lanes
    for (int i = 0; i < 6; ++i) {
      const float* x = rows + i * row_stride + 4 * k0;
      __m256 d[6];
      deinterleave4(x, d);
      // Columns 4 and 5 are the next tile's columns 0 and 1: lanes shifted down by one, the last from x[32], x[33].
      const __m256i next = _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7);
      d[4] = _mm256_blend_ps(_mm256_permutevar8x32_ps(d[0], next), _mm256_broadcast_ss(x + 32), 0x80);
      d[5] = _mm256_blend_ps(_mm256_permutevar8x32_ps(d[1], next), _mm256_broadcast_ss(x + 33), 0x80);
      bt6(d, t[i]);
    }
    __m256 out[6][6];  // out[b][a] = V(a, b)
    for (int b = 0; b < 6; ++b) {
      const __m256 col[6] = {t[0][b], t[1][b], t[2][b], t[3][b], t[4][b], t[5][b]};
      bt6(col, out[b]);
    }
    // One branch per group and the stride in a register: the stores are most of this kernel's time.
    const GroupAddress at(layout, t0 + k0, std::min<int64_t>(kGroup, tiles - k0));
    const int64_t p_stride = layout.p_stride;
    if (at.whole()) {
      float* dst = v + at.first;
      for (int a = 0; a < 6; ++a) {
        for (int b = 0; b < 6; ++b) _mm256_storeu_ps(dst + (a * 6 + b) * p_stride, out[b][a]);
      }
      continue;
    }
    for (int a = 0; a < 6; ++a) {
      for (int b = 0; b < 6; ++b) store_group(v + (a * 6 + b) * p_stride, at, out[b][a]);
    }
  }
}

void winograd_f43_output_row_avx2_fma(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                      float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols) {
  const __m256 zero = _mm256_setzero_ps(), b = _mm256_set1_ps(bias);
  for (int64_t k0 = 0; k0 < tiles; k0 += kGroup) {
    const GroupAddress at(layout, t0 + k0, std::min<int64_t>(kGroup, tiles - k0));
    const int64_t p_stride = layout.p_stride;
    __m256 m[6][6];  // m[a][c] = M(a, c)
    if (at.whole()) {
      const float* src = y + at.first;
      for (int a = 0; a < 6; ++a) {
        for (int c = 0; c < 6; ++c) m[a][c] = _mm256_loadu_ps(src + (a * 6 + c) * p_stride);
      }
    } else {
      for (int a = 0; a < 6; ++a) {
        for (int c = 0; c < 6; ++c) m[a][c] = load_group(y + (a * 6 + c) * p_stride, at);
      }
    }
    __m256 s[4][6];  // s[j][a] = (M A)(a, j)
    for (int a = 0; a < 6; ++a) {
      __m256 r[4];
      at6(m[a], zero, r);
      for (int j = 0; j < 4; ++j) s[j][a] = r[j];
    }
    __m256 o[4][4];  // o[j][i] = output (i, j) + bias
    for (int j = 0; j < 4; ++j) at6(s[j], b, o[j]);
    const int64_t cols = std::min<int64_t>(4 * kGroup, out_cols - 4 * k0);
    for (int64_t i = 0; i < out_rows; ++i) {
      const __m256 by_column[4] = {o[0][i], o[1][i], o[2][i], o[3][i]};
      alignas(32) float row[4 * kGroup];
      __m256 packed[4];
      interleave4(by_column, packed);
      float* dst = out + i * out_stride + 4 * k0;
      if (cols == 4 * kGroup) {
        for (int q = 0; q < 4; ++q) _mm256_storeu_ps(dst + 8 * q, packed[q]);
        continue;
      }
      for (int q = 0; q < 4; ++q) _mm256_store_ps(row + 8 * q, packed[q]);
      std::copy(row, row + cols, dst);
    }
  }
}

}  // namespace qedge::fast
