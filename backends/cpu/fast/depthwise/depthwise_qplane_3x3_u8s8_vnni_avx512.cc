// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; entered only when cpu_features() reports avx512_vnni
// and the nine taps fit int8. vpdpbusd multiplies four unsigned bytes by four signed ones and adds the four products
// into an int32 lane, exactly. A load of input bytes starting at an output's first tap puts that output's three taps
// of a kernel row in the low three bytes of a lane: against (w0, w1, w2, 0) one vpdpbusd adds that kernel row for
// every fourth output at stride 1 (the loads one, two and three columns on give the other three phases) or every
// other output at stride 2 (the load two columns on gives the odd ones); the phases are interleaved into output order
// at the end. Four taps per lane where the int16 kernels' vpmaddwd has two.
//
// The input slice goes once into a padded copy of its 8-bit levels (a masked load and a store per 64 columns, or 16
// or 32 for narrow slices; the lanes off the input take the zero point's byte, and int8 levels are offset by 128, a
// flip of the sign bit, to unsigned bytes), so that the kernel loads without masks or bounds checks. With the
// padding at the zero point, sum over the nine taps of (x - zero_point) * w = sum of x * w - zero_point * sum of w,
// whose second term starts every accumulator. Every product and sum is an exact integer below 2^31 in magnitude, so
// the sums are the reference's.
//
// Slices of up to 64 padded columns at stride 1 or 2 both ways keep their rows 16, 32 or 64 bytes apart (at stride
// 2, the even and the odd rows in two planes) and are taken as one flat row: each step covers several output rows,
// whose lanes past the row's outputs are not stored; the 7-, 14- and 28-wide planes of mobilenet_v2 thus fill whole
// vectors. Other geometries go row by row: blocks of 64 (stride 1) or 32 (stride 2 columns) outputs per 512-bit
// step, the rest of a row in 256- and 128-bit blocks, the last vector stored under a mask.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "depthwise_qplane.h"

namespace qedge::fast {
namespace {

// The first n bits set (n in [0, 64]).
inline uint64_t low_bits(int64_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// A kernel row's taps as the int32 lane vpdpbusd multiplies four input bytes by: (w0, w1, w2, 0).
inline int32_t row_taps(const int16_t* w) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint8_t>(w[0])) |
                              (static_cast<uint32_t>(static_cast<uint8_t>(w[1])) << 8) |
                              (static_cast<uint32_t>(static_cast<uint8_t>(w[2])) << 16));
}

// vpdpbusd as inline assembly: with the intrinsic GCC 12 copies the accumulator into a fresh register at every step.
inline void dp(__m512i& acc, __m512i x, __m512i w) { asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }
inline void dp(__m256i& acc, __m256i x, __m256i w) { asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }
inline void dp(__m128i& acc, __m128i x, __m128i w) { asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

// The 512-, 256- and 128-bit forms of what a block needs: loads of 4 * kLanes input bytes, kLanes int32 lanes.
// interleave32 takes lanes [h * kLanes / 2, (h + 1) * kLanes / 2) of a and b alternately (a0 b0 a1 b1 ... for h = 0),
// interleave64 the same in 64-bit pairs of lanes.
struct Zmm {
  using V = __m512i;
  static constexpr int kLanes = 16;
  static V splat(int32_t v) { return _mm512_set1_epi32(v); }
  static V load(const uint8_t* p) { return _mm512_loadu_si512(p); }
  static V interleave32(V a, V b, int h) {
    return _mm512_permutex2var_epi32(
        a, h ? _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
             : _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23),
        b);
  }
  static V interleave64(V a, V b, int h) {
    return _mm512_permutex2var_epi64(a, h ? _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15)
                                          : _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11),
                                     b);
  }
  // The first n lanes (n > 0; all when n >= kLanes).
  static void store(int32_t* out, V v, int64_t n) {
    if (n >= kLanes) return _mm512_storeu_si512(out, v);
    _mm512_mask_storeu_epi32(out, static_cast<__mmask16>(low_bits(n)), v);
  }
};

struct Ymm {
  using V = __m256i;
  static constexpr int kLanes = 8;
  static V splat(int32_t v) { return _mm256_set1_epi32(v); }
  static V load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static V interleave32(V a, V b, int h) {
    return _mm256_permutex2var_epi32(
        a, h ? _mm256_setr_epi32(4, 12, 5, 13, 6, 14, 7, 15) : _mm256_setr_epi32(0, 8, 1, 9, 2, 10, 3, 11), b);
  }
  static V interleave64(V a, V b, int h) {
    return _mm256_permutex2var_epi64(a, h ? _mm256_setr_epi64x(2, 6, 3, 7) : _mm256_setr_epi64x(0, 4, 1, 5), b);
  }
  static void store(int32_t* out, V v, int64_t n) {
    if (n >= kLanes) return _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
    _mm256_mask_storeu_epi32(out, static_cast<__mmask8>(low_bits(n)), v);
  }
};

struct Xmm {
  using V = __m128i;
  static constexpr int kLanes = 4;
  static V splat(int32_t v) { return _mm_set1_epi32(v); }
  static V load(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static V interleave32(V a, V b, int h) { return h ? _mm_unpackhi_epi32(a, b) : _mm_unpacklo_epi32(a, b); }
  static V interleave64(V a, V b, int h) { return h ? _mm_unpackhi_epi64(a, b) : _mm_unpacklo_epi64(a, b); }
  static void store(int32_t* out, V v, int64_t n) {
    if (n >= kLanes) return _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
    _mm_mask_storeu_epi32(out, static_cast<__mmask8>(low_bits(n)), v);
  }
};

// The taps of each kernel row and -zero_point * sum of the taps, the accumulators' start.
template <typename R>
struct Taps {
  typename R::V w[3], start;
  Taps(const int16_t* w9, int32_t start_sum)
      : w{R::splat(row_taps(w9)), R::splat(row_taps(w9 + 3)), R::splat(row_taps(w9 + 6))}, start(R::splat(start_sum)) {}
};

// The three input rows of a block of windows, at the first window's first tap.
struct Rows {
  const uint8_t* r[3];
};
inline Rows rows_from(const uint8_t* top, int64_t pitch) { return {{top, top + pitch, top + 2 * pitch}}; }

// Stride 1: the 4 * kLanes sums whose windows start at columns 0, 1, ... of `in`, in order in o[0..3]. Phase p
// (lane j: window 4j + p) loads from column p.
template <typename R>
__attribute__((always_inline)) inline void sums_s1(const Rows& in, const Taps<R>& t, typename R::V* o) {
  typename R::V p0 = t.start, p1 = t.start, p2 = t.start, p3 = t.start;
  for (int k = 0; k < 3; ++k) {
    dp(p0, R::load(in.r[k]), t.w[k]);
    dp(p1, R::load(in.r[k] + 1), t.w[k]);
    dp(p2, R::load(in.r[k] + 2), t.w[k]);
    dp(p3, R::load(in.r[k] + 3), t.w[k]);
  }
  // Phases 0 and 1, and 2 and 3, lane by lane; then those pairs alternately.
  for (int h = 0; h < 2; ++h) {
    const typename R::V p01 = R::interleave32(p0, p1, h), p23 = R::interleave32(p2, p3, h);
    o[2 * h] = R::interleave64(p01, p23, 0);
    o[2 * h + 1] = R::interleave64(p01, p23, 1);
  }
}

// Stride 2: the 2 * kLanes sums whose windows start at columns 0, 2, ... of `in`, in order in o[0..1]; the even ones
// (lane j: window 2j) load from column 0, the odd ones from column 2.
template <typename R>
__attribute__((always_inline)) inline void sums_s2(const Rows& in, const Taps<R>& t, typename R::V* o) {
  typename R::V even = t.start, odd = t.start;
  for (int k = 0; k < 3; ++k) {
    dp(even, R::load(in.r[k]), t.w[k]);
    dp(odd, R::load(in.r[k] + 2), t.w[k]);
  }
  o[0] = R::interleave32(even, odd, 0);
  o[1] = R::interleave32(even, odd, 1);
}

// Outputs [o2, ow) of one row whose windows start at top[o2 * kStride], in blocks of R while more than `above`
// remain; returns where it stopped.
template <int kStride, typename R>
__attribute__((always_inline)) inline int64_t row_blocks(const uint8_t* top, int64_t pitch, int64_t o2, int64_t ow,
                                                         int64_t above, const Taps<R>& t, int32_t* out) {
  constexpr int kVectors = 4 / kStride;
  for (; ow - o2 > above; o2 += kVectors * R::kLanes) {
    typename R::V o[kVectors];
    const Rows in = rows_from(top + kStride * o2, pitch);
    if (kStride == 1) {
      sums_s1(in, t, o);
    } else {
      sums_s2(in, t, o);
    }
    for (int v = 0; v < kVectors && o2 + v * R::kLanes < ow; ++v) {
      R::store(out + o2 + v * R::kLanes, o[v], ow - o2 - v * R::kLanes);
    }
  }
  return o2;
}

// The padding pass's 64, 32 or 16 bytes at a time: narrow slices store no more than their rows (64-byte stores
// overlapping the next rows made the kernel's loads wait for them on 7x7 and 14x14 planes).
template <int kBytes>
struct ByteVector;
template <>
struct ByteVector<64> {
  using V = __m512i;
  using Mask = __mmask64;
  static V splat(char c) { return _mm512_set1_epi8(c); }
  static V load(V fill, Mask m, uintptr_t p) {
    return _mm512_mask_loadu_epi8(fill, m, reinterpret_cast<const void*>(p));
  }
  static void store(uint8_t* p, V v) { _mm512_storeu_si512(p, v); }
  static V flip(V a, V b) { return _mm512_xor_si512(a, b); }
};
template <>
struct ByteVector<32> {
  using V = __m256i;
  using Mask = __mmask32;
  static V splat(char c) { return _mm256_set1_epi8(c); }
  static V load(V fill, Mask m, uintptr_t p) {
    return _mm256_mask_loadu_epi8(fill, m, reinterpret_cast<const void*>(p));
  }
  static void store(uint8_t* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static V flip(V a, V b) { return _mm256_xor_si256(a, b); }
};
template <>
struct ByteVector<16> {
  using V = __m128i;
  using Mask = __mmask16;
  static V splat(char c) { return _mm_set1_epi8(c); }
  static V load(V fill, Mask m, uintptr_t p) { return _mm_mask_loadu_epi8(fill, m, reinterpret_cast<const void*>(p)); }
  static void store(uint8_t* p, V v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static V flip(V a, V b) { return _mm_xor_si128(a, b); }
};

// The padded slice's rows of `cols` columns, `pitch` bytes apart (those of odd index from `odd` on when odd is not
// null): zero point bytes, the input row's levels from column `left` (as unsigned bytes), zero point bytes; kBytes
// at a time. Whole vectors: the stores spill up to kBytes - 1 bytes past a row's columns, into the next row (written
// after it) or the slack after the last.
template <bool kSigned, int kBytes>
void pad_slice(const ref::NnGeometry& g, const uint8_t* x, uint8_t fill, int64_t rows, int64_t cols, int64_t pitch,
               uint8_t* even, uint8_t* odd) {
  using B = ByteVector<kBytes>;
  const typename B::V fill_v = B::splat(static_cast<char>(fill)), flip = B::splat(kSigned ? -128 : 0);
  const typename B::V fill_row = B::flip(fill_v, flip);
  const int64_t width = g.in[2], left = g.pad_begin[2];
  // The lanes of the kBytes columns from j that lie on the input row; the first ones' once for all rows.
  const auto on_row = [&](int64_t j) {
    const int64_t lo = std::clamp<int64_t>(left - j, 0, kBytes), hi = std::clamp<int64_t>(left + width - j, 0, kBytes);
    return static_cast<typename B::Mask>(low_bits(hi) & ~low_bits(lo));
  };
  const typename B::Mask first = on_row(0);
  for (int64_t r = 0; r < rows; ++r) {
    uint8_t* out = odd ? (r % 2 ? odd : even) + r / 2 * pitch : even + r * pitch;
    const int64_t i = r - g.pad_begin[1];
    if (i < 0 || i >= g.in[1]) {
      for (int64_t j = 0; j < cols; j += kBytes) B::store(out + j, fill_row);
      continue;
    }
    // Byte addresses as integers: the load's address may lie before the row (the left padding), but only its lanes
    // on the row are read.
    const auto row = reinterpret_cast<uintptr_t>(x + i * width) - static_cast<uintptr_t>(left);
    for (int64_t j = 0; j < cols; j += kBytes) {
      B::store(out + j, B::flip(B::load(fill_v, j == 0 ? first : on_row(j), row + j), flip));
    }
  }
}

// Stride 1 both ways, the padded rows `pitch` (16, 32 or 64) bytes apart: the slice as one flat row, whose 64
// windows per step cover 64 / pitch output rows (one 16-lane vector per 16 columns), the columns from ow on
// discarded.
void grouped_plane(const uint8_t* pad, int64_t pitch, int64_t oh, int64_t ow, const Taps<Zmm>& t, int32_t* acc) {
  const int shift = pitch == 16 ? 4 : pitch == 32 ? 5 : 6;
  for (int64_t p = 0; p < oh * pitch; p += 64) {
    __m512i o[4];
    sums_s1(rows_from(pad + p, pitch), t, o);
    for (int v = 0; v < 4; ++v) {
      const int64_t q = p + 16 * v, row = q >> shift, col = q & (pitch - 1);
      if (row < oh && col < ow) Zmm::store(acc + row * ow + col, o[v], ow - col);
    }
  }
}

// Stride 2 both ways, the padded rows of even and of odd index in two planes, `pitch` (16, 32 or 64) bytes apart:
// the output rows as one flat row of pitch / 2 outputs each, 32 windows per step (output row i reads even row i, odd
// row i and even row i + 1); 16-lane vectors of 16 outputs of a row, or (pitch 16) of two rows' 8, the columns from
// ow on discarded.
void grouped_plane_s2(const uint8_t* even, const uint8_t* odd, int64_t pitch, int64_t oh, int64_t ow,
                      const Taps<Zmm>& t, int32_t* acc) {
  const int64_t half = pitch / 2;
  const int shift = half == 8 ? 3 : half == 16 ? 4 : 5;
  for (int64_t p = 0; p < oh * half; p += 32) {
    __m512i o[2];
    sums_s2(Rows{{even + 2 * p, odd + 2 * p, even + 2 * p + pitch}}, t, o);
    for (int v = 0; v < 2; ++v) {
      const int64_t q = p + 16 * v, row = q >> shift, col = q & (half - 1);
      if (half > 8) {
        if (row < oh && col < ow) Zmm::store(acc + row * ow + col, o[v], ow - col);
        continue;
      }
      if (row < oh) Ymm::store(acc + row * ow, _mm512_maskz_extracti64x4_epi64(0xff, o[v], 0), ow);
      if (row + 1 < oh) Ymm::store(acc + (row + 1) * ow, _mm512_maskz_extracti64x4_epi64(0xff, o[v], 1), ow);
    }
  }
}

template <int kStride, bool kSigned>
void plane(const DepthwiseQPlane& p) {
  const ref::NnGeometry& g = *p.g;
  const int64_t ow = g.out[2], plane_out = g.out[1] * ow, sh = g.stride[1];
  int64_t rows, cols;
  depthwise_qplane_padded_dims(g, &rows, &cols);
  // Rows of at most 64 columns at stride 1 or 2 both ways are padded to 16, 32 or 64 (grouped_plane and
  // grouped_plane_s2), the others kept as they are.
  const bool grouped = kStride == sh && cols <= 64;
  const int64_t pitch = !grouped ? cols : cols <= 16 ? 16 : cols <= 32 ? 32 : 64;
  int32_t sum = 0;
  for (int k = 0; k < 9; ++k) sum += p.w[k];
  // The zero point's byte fills the padding; flipped like the levels, it is the unsigned zero point.
  const int32_t start = -(kSigned ? p.zero_point + 128 : p.zero_point) * sum;
  const Taps<Zmm> tz(p.w, start);
  const Taps<Ymm> ty(p.w, start);
  const Taps<Xmm> tx(p.w, start);
  auto* pad = reinterpret_cast<uint8_t*>(p.scratch);
  const auto* x = static_cast<const uint8_t*>(p.x);
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    int32_t* acc = p.acc + o0 * plane_out;
    const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0];
    if (i0 < 0 || i0 >= g.in[0]) {  // a depth slice in the padding: no taps
      std::fill(acc, acc + plane_out, 0);
      continue;
    }
    // Stride 2 grouped: the odd rows after the even ones (rows / 2 + 1 of them) and the slack their reads need.
    uint8_t* odd = kStride == 2 && grouped ? pad + (rows / 2 + 1) * pitch + 64 : nullptr;
    const uint8_t* slice = x + i0 * g.in[1] * g.in[2];
    const auto fill = static_cast<uint8_t>(p.zero_point);
    if (cols <= 16) {
      pad_slice<kSigned, 16>(g, slice, fill, rows, cols, pitch, pad, odd);
    } else if (cols <= 32) {
      pad_slice<kSigned, 32>(g, slice, fill, rows, cols, pitch, pad, odd);
    } else {
      pad_slice<kSigned, 64>(g, slice, fill, rows, cols, pitch, pad, odd);
    }
    if (grouped) {
      if (kStride == 1) {
        grouped_plane(pad, pitch, g.out[1], ow, tz, acc);
      } else {
        grouped_plane_s2(pad, odd, pitch, g.out[1], ow, tz, acc);
      }
      continue;
    }
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const uint8_t* top = pad + o1 * sh * pitch;
      int32_t* out = acc + o1 * ow;
      // 512-bit blocks while more than a 256-bit block remains, and so on.
      int64_t o2 = row_blocks<kStride>(top, pitch, 0, ow, 4 * Ymm::kLanes / kStride, tz, out);
      o2 = row_blocks<kStride>(top, pitch, o2, ow, 4 * Xmm::kLanes / kStride, ty, out);
      row_blocks<kStride>(top, pitch, o2, ow, 0, tx, out);
    }
  }
}

template <int kStride>
void plane_of_type(const DepthwiseQPlane& p) {
  if (p.x_signed) return plane<kStride, true>(p);
  plane<kStride, false>(p);
}

}  // namespace

void depthwise_qplane_3x3_u8s8_vnni_avx512(const DepthwiseQPlane& p) {
  if (p.g->stride[2] == 1) return plane_of_type<1>(p);
  plane_of_type<2>(p);
}

}  // namespace qedge::fast
