// AVX2+FMA row kernel of the channels-last 3x3 depthwise convolution (see depthwise_3x3_nhwc.h). Channels go eight to
// a vector. Interior windows (all three columns inside the row) run six at a time, six independent sums for the FMA
// pipes, with the block's nine taps in registers and each input column loaded once for the windows that share it;
// the few windows that cross the row's ends, and the last block of a channel count that is not a multiple of eight,
// run one window at a time with masked loads.
#include <immintrin.h>

#include <algorithm>

#include "nhwc/depthwise_3x3_nhwc.h"

namespace qedge::fast {
namespace {

// The row's bounds on a sum. `vmaxps` and `vminps` return their second operand when either is NaN or both are zeros:
// Relu puts the sum first (NaN and -0 give +0), Clip last (NaN and the sum's own zero pass, as its comparisons do).
struct Bounds {
  __m256 lo, hi;
  bool relu;
  explicit Bounds(const DepthwiseNhwcRow& r) : lo(_mm256_set1_ps(r.lo)), hi(_mm256_set1_ps(r.hi)), relu(r.relu) {}
  __m256 operator()(__m256 v) const {
    return relu ? _mm256_max_ps(v, lo) : _mm256_min_ps(hi, _mm256_max_ps(lo, v));
  }
};

__m256i lane_mask(int64_t lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(lanes)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// N interior windows from output column ox on, at column stride S, every whole block of eight channels. Per block the
// nine taps are loaded once into registers; each input column of the windows' span is loaded once and added to every
// window that covers it (windows i and column j meet at tap kx = j - i * S).
template <int N, int S>
void interior(const DepthwiseNhwcRow& r, int64_t ox, int64_t full_channels) {
  constexpr int kColumns = (N - 1) * S + 3;
  const int64_t c = r.channels;
  const int64_t at = (ox * S - r.pad_left) * c;
  const Bounds bounds(r);
  for (int64_t c0 = 0; c0 < full_channels; c0 += 8) {
    __m256 w[9];
    for (int k = 0; k < 9; ++k) w[k] = _mm256_loadu_ps(r.w + k * c + c0);
    __m256 acc[N];
    for (int i = 0; i < N; ++i) acc[i] = _mm256_loadu_ps(r.bias + c0);
    for (int ky = 0; ky < 3; ++ky) {
      const float* p = r.rows[ky] + at + c0;
      // The pointer walks the columns (distinct offsets j * c would not fit the registers), never past the last.
      for (int j = 0; j < kColumns; p += j + 1 < kColumns ? c : 0, ++j) {
        const __m256 v = _mm256_loadu_ps(p);
        for (int i = 0; i < N; ++i) {
          const int kx = j - i * S;
          if (kx >= 0 && kx < 3) acc[i] = _mm256_fmadd_ps(v, w[ky * 3 + kx], acc[i]);
        }
      }
    }
    float* y = r.y + ox * c + c0;
    for (int i = 0; i < N; ++i) _mm256_storeu_ps(y + i * c, bounds(acc[i]));
  }
}

template <int S>
void interior_run(const DepthwiseNhwcRow& r, int64_t first, int64_t last, int64_t full_channels) {
  int64_t ox = first;
  for (; ox + 6 <= last; ox += 6) interior<6, S>(r, ox, full_channels);
  switch (last - ox) {
    case 5: interior<5, S>(r, ox, full_channels); break;
    case 4: interior<4, S>(r, ox, full_channels); break;
    case 3: interior<3, S>(r, ox, full_channels); break;
    case 2: interior<2, S>(r, ox, full_channels); break;
    case 1: interior<1, S>(r, ox, full_channels); break;
    default: break;
  }
}

// The window at output column ox, taps outside the row skipped, channels c0 .. c0 + 8 (Full) or c0 .. c0 + lanes under
// masked loads and stores (those stores are slow on AMD cores: only a channel count's last partial block takes them).
template <bool Full>
void window(const DepthwiseNhwcRow& r, int64_t ox, int64_t c0, int64_t lanes) {
  const int64_t c = r.channels, x0 = ox * r.stride - r.pad_left;
  const int64_t kx0 = std::max<int64_t>(0, -x0), kx1 = std::min<int64_t>(3, r.in_w - x0);
  const __m256i mask = lane_mask(lanes);
  const auto load = [&](const float* p) { return Full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask); };
  __m256 acc = load(r.bias + c0);
  for (int64_t ky = 0; ky < 3; ++ky) {
    for (int64_t kx = kx0; kx < kx1; ++kx) {
      acc = _mm256_fmadd_ps(load(r.rows[ky] + (x0 + kx) * c + c0), load(r.w + (ky * 3 + kx) * c + c0), acc);
    }
  }
  const __m256 y = Bounds(r)(acc);
  if (Full) {
    _mm256_storeu_ps(r.y + ox * c + c0, y);
  } else {
    _mm256_maskstore_ps(r.y + ox * c + c0, mask, y);
  }
}

// Every channel of the window at ox.
void whole_window(const DepthwiseNhwcRow& r, int64_t ox) {
  int64_t c0 = 0;
  for (; c0 + 8 <= r.channels; c0 += 8) window<true>(r, ox, c0, 8);
  if (c0 < r.channels) window<false>(r, ox, c0, r.channels - c0);
}

}  // namespace

void depthwise_3x3_nhwc_row_f32_avx2_fma(const DepthwiseNhwcRow& r) {
  const int64_t s = r.stride;
  // Interior windows: ox * s - pad_left >= 0 and ox * s - pad_left + 2 < in_w (strides 1 and 2; other strides take
  // every window one at a time).
  int64_t first = std::min(r.out_w, (r.pad_left + s - 1) / s);
  const int64_t reach = r.in_w - 3 + r.pad_left;
  int64_t last = std::max(first, std::min(r.out_w, reach >= 0 ? reach / s + 1 : 0));
  if (s > 2) first = last = r.out_w;
  const int64_t full = r.channels / 8 * 8;
  for (int64_t ox = 0; ox < first; ++ox) whole_window(r, ox);
  if (s == 1) interior_run<1>(r, first, last, full);
  if (s == 2) interior_run<2>(r, first, last, full);
  for (int64_t ox = first; full < r.channels && ox < last; ++ox) window<false>(r, ox, full, r.channels - full);
  for (int64_t ox = last; ox < r.out_w; ++ox) whole_window(r, ox);
}

}  // namespace qedge::fast
