// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; entered only when cpu_features() reports avx512_vnni.
// vpdpwssd multiplies int16 pairs and adds both products into an int32 lane of the accumulator in one instruction
// (the AVX2 kernel needs vpmaddwd and a vpaddd for that). A load of 2n padded input values starting at an output's
// first tap, against the weight pair (w0, w1), adds the first two taps of n outputs (every other output at stride 1,
// n consecutive ones at stride 2); the same load two columns on, against (w2, 0), adds the third. A row takes 512-bit
// blocks (32 outputs at stride 1, 16 at stride 2) while more than half a block remains, then one 256-bit block, so
// that the 7- and 14-wide rows of mobilenet_v2 do not compute 32 outputs for 7 or 14; the last block of a row is
// stored under a mask. Every product and sum is an exact integer (the caller bounds them below 2^31), so any order
// gives the reference's sums.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "depthwise_qplane.h"

namespace qedge::fast {
namespace {

// The first n bits set (n in [0, 32]).
inline uint32_t low_bits(int64_t n) { return static_cast<uint32_t>((uint64_t{1} << n) - 1); }

// One row of the padded slice: zeros, the row's levels minus the zero point from column `left`, zeros, 32 columns per
// step, branch-free: the lanes outside the input are masked off the load (which then reads none of their bytes) and
// zeroed by the masked subtraction. `row` is null for the rows in the padding. Whole vectors: the stores spill up to
// 31 values past the row's end, into the next row (written after this one) or the scratch's slack.
template <typename T>
void pad_row(const T* row, int64_t width, int64_t left, int64_t cols, __m512i zero_point, int16_t* out) {
  // Byte addresses as integers: the load's address may lie before the row (the left padding), but only its unmasked
  // lanes, inside the row, are read.
  const auto base = reinterpret_cast<uintptr_t>(row);
  for (int64_t j = 0; j < cols; j += 32) {
    const int64_t lo = std::clamp<int64_t>(left - j, 0, 32), hi = std::clamp<int64_t>(left + width - j, 0, 32);
    const __mmask32 lanes = row ? low_bits(hi) & ~low_bits(lo) : 0;
    const __m256i bytes =
        _mm256_maskz_loadu_epi8(lanes, reinterpret_cast<const void*>(base + static_cast<uintptr_t>(j - left)));
    const __m512i wide = std::is_signed_v<T> ? _mm512_cvtepi8_epi16(bytes) : _mm512_cvtepu8_epi16(bytes);
    _mm512_storeu_si512(out + j, _mm512_maskz_sub_epi16(lanes, wide, zero_point));
  }
}

// The slice's rows that the windows read, padded.
template <typename T>
void pad_slice(const ref::NnGeometry& g, const T* x, int32_t zero_point, int64_t rows, int64_t cols, int16_t* out) {
  const __m512i zp = _mm512_set1_epi16(static_cast<int16_t>(zero_point));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t i = r - g.pad_begin[1];
    const T* row = i >= 0 && i < g.in[1] ? x + i * g.in[2] : nullptr;
    pad_row(row, g.in[2], g.pad_begin[2], cols, zp, out + r * cols);
  }
}

// A weight pair (lo, hi) as the int32 lane vpdpwssd multiplies an input pair by.
inline int32_t pair(int16_t lo, int16_t hi) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(lo)) |
                              (static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16));
}

// vpdpwssd as inline assembly: with the intrinsic GCC 12 copies the accumulator into a fresh register at every step.
inline void dp(__m512i& acc, __m512i x, __m512i w) { asm("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }
inline void dp(__m256i& acc, __m256i x, __m256i w) { asm("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

// The 512- and 256-bit forms of what a block needs: 16 or 8 int32 lanes.
struct Zmm {
  using V = __m512i;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_si512(); }
  static V splat(int32_t v) { return _mm512_set1_epi32(v); }
  static V load(const int16_t* p) { return _mm512_loadu_si512(p); }
  static V add(V a, V b) { return _mm512_add_epi32(a, b); }
  // Lanes 0..7 of a, b interleaved (a0 b0 a1 b1 ...), and lanes 8..15.
  static V interleave_lo(V a, V b) {
    return _mm512_permutex2var_epi32(a, _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), b);
  }
  static V interleave_hi(V a, V b) {
    return _mm512_permutex2var_epi32(a, _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31),
                                     b);
  }
  // The first n lanes (n > 0; all when n >= 16).
  static void store(int32_t* out, V v, int64_t n) {
    if (n >= kLanes) return _mm512_storeu_si512(out, v);
    _mm512_mask_storeu_epi32(out, static_cast<__mmask16>(low_bits(n)), v);
  }
};

struct Ymm {
  using V = __m256i;
  static constexpr int kLanes = 8;
  static V zero() { return _mm256_setzero_si256(); }
  static V splat(int32_t v) { return _mm256_set1_epi32(v); }
  static V load(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static V add(V a, V b) { return _mm256_add_epi32(a, b); }
  static V interleave_lo(V a, V b) { return _mm256_permutex2var_epi32(a, _mm256_setr_epi32(0, 8, 1, 9, 2, 10, 3, 11), b); }
  static V interleave_hi(V a, V b) {
    return _mm256_permutex2var_epi32(a, _mm256_setr_epi32(4, 12, 5, 13, 6, 14, 7, 15), b);
  }
  static void store(int32_t* out, V v, int64_t n) {
    if (n >= kLanes) return _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
    _mm256_mask_storeu_epi32(out, static_cast<__mmask8>(low_bits(n)), v);
  }
};

// The weights of one kernel row as vpdpwssd pairs: (w0, w1) for the first two taps, (w2, 0) for the third.
template <typename R>
struct RowWeights {
  typename R::V w01, w2;
  explicit RowWeights(const int16_t* w) : w01(R::splat(pair(w[0], w[1]))), w2(R::splat(pair(w[2], 0))) {}
};

// Stride 1: 2 * kLanes outputs of a row (the first n stored) from the three padded input rows r[k] at the block's
// first column. The even outputs start at r[k], the odd ones one column on; two accumulators each (pair taps, third
// taps) halve the chains of dependent vpdpwssd.
template <typename R>
__attribute__((always_inline)) inline void block_s1(const int16_t* const* r, const RowWeights<R>* w, int32_t* out, int64_t n) {
  using V = typename R::V;
  V even = R::zero(), even2 = R::zero(), odd = R::zero(), odd2 = R::zero();
  for (int k = 0; k < 3; ++k) {
    dp(even, R::load(r[k]), w[k].w01);
    dp(even2, R::load(r[k] + 2), w[k].w2);
    dp(odd, R::load(r[k] + 1), w[k].w01);
    dp(odd2, R::load(r[k] + 3), w[k].w2);
  }
  even = R::add(even, even2);
  odd = R::add(odd, odd2);
  R::store(out, R::interleave_lo(even, odd), n);
  if (n > R::kLanes) R::store(out + R::kLanes, R::interleave_hi(even, odd), n - R::kLanes);
}

// Stride 2: kLanes outputs, pairs of columns in place.
template <typename R>
__attribute__((always_inline)) inline void block_s2(const int16_t* const* r, const RowWeights<R>* w, int32_t* out, int64_t n) {
  using V = typename R::V;
  V sum = R::zero(), sum2 = R::zero();
  for (int k = 0; k < 3; ++k) {
    dp(sum, R::load(r[k]), w[k].w01);
    dp(sum2, R::load(r[k] + 2), w[k].w2);
  }
  R::store(out, R::add(sum, sum2), n);
}

template <int kStride, typename R>
__attribute__((always_inline)) inline void block(const int16_t* top, int64_t cols, int64_t o2, const RowWeights<R>* w, int32_t* out, int64_t n) {
  const int16_t* r[3] = {top + o2 * kStride, top + cols + o2 * kStride, top + 2 * cols + o2 * kStride};
  if (kStride == 1) {
    block_s1(r, w, out, n);
  } else {
    block_s2(r, w, out, n);
  }
}

template <int kStride, typename T>
void plane(const DepthwiseQPlane& p) {
  const ref::NnGeometry& g = *p.g;
  // Outputs per 512-bit block; the 256-bit block takes half.
  constexpr int64_t kBlock = kStride == 1 ? 32 : 16;
  const int64_t ow = g.out[2], plane_out = g.out[1] * ow, sh = g.stride[1];
  int64_t rows, cols;
  depthwise_qplane_padded_dims(g, &rows, &cols);
  const RowWeights<Zmm> wz[3] = {RowWeights<Zmm>(p.w), RowWeights<Zmm>(p.w + 3), RowWeights<Zmm>(p.w + 6)};
  const RowWeights<Ymm> wy[3] = {RowWeights<Ymm>(p.w), RowWeights<Ymm>(p.w + 3), RowWeights<Ymm>(p.w + 6)};
  const T* x = static_cast<const T*>(p.x);
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    int32_t* acc = p.acc + o0 * plane_out;
    const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0];
    if (i0 < 0 || i0 >= g.in[0]) {  // a depth slice in the padding: no taps
      std::fill(acc, acc + plane_out, 0);
      continue;
    }
    pad_slice(g, x + i0 * g.in[1] * g.in[2], p.zero_point, rows, cols, p.scratch);
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const int16_t* top = p.scratch + o1 * sh * cols;
      int32_t* out = acc + o1 * ow;
      int64_t o2 = 0;
      for (; ow - o2 > kBlock / 2; o2 += kBlock) block<kStride>(top, cols, o2, wz, out + o2, ow - o2);
      if (o2 < ow) block<kStride>(top, cols, o2, wy, out + o2, ow - o2);
    }
  }
}

template <int kStride>
void plane_of_type(const DepthwiseQPlane& p) {
  if (p.x_signed) return plane<kStride, int8_t>(p);
  plane<kStride, uint8_t>(p);
}

}  // namespace

void depthwise_qplane_3x3_vnni_avx512(const DepthwiseQPlane& p) {
  if (p.g->stride[2] == 1) return plane_of_type<1>(p);
  plane_of_type<2>(p);
}

}  // namespace qedge::fast
