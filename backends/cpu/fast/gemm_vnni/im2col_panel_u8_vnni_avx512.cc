// The VNNI GEMM's B panels packed straight from a convolution's 8-bit input planes (implicit im2col; int8 levels
// XORed onto the u8 scale as they are read): each k row is
// gathered as 32 bytes with one zero-masked load per run of the panel (stride 1: the run's bytes; stride 2: its
// even bytes of twice the span, narrowed by vpmovwb; other strides byte by byte), the padding blended in from the
// zero point, and four rows at a time are interleaved into the quads vpdpbusd reads. Compiled with -mavx512f
// -mavx512bw -mavx512vl; only called when cpu_features().avx512_vnni. Plain loops and intrinsics only, as the
// micro-kernel.
#include <immintrin.h>

#include "gemm_vnni/gemm_vnni_microkernel.h"

namespace qedge::fast {
namespace {

// plane + i as an address: a run's masked load starts where panel column 0 would read, which can lie outside the
// plane (the masked-off bytes are neither read nor can they fault); a pointer there would leave its array.
const void* address(const uint8_t* plane, int64_t i) {
  return reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(plane) + static_cast<uintptr_t>(i));
}

// kRows k rows at one tap, of planes plane + i * step (i < kRows): the panel's 32 columns through the tap's runs,
// the columns outside `inside` set to pad. A run's loads are ORed: merging each into the one before would chain a
// row's loads. kStride: the stride along the innermost axis when it is 1 or 2, else 0 (any stride).
template <int kStride, int kRows>
void gather_rows(const uint8_t* plane, int64_t step, const Im2colRun* run, const Im2colRun* end, int64_t stride,
                 uint32_t inside, __m256i pad, uint8_t flip, __m256i* rows) {
  const __m256i flips = _mm256_set1_epi8(static_cast<char>(flip));
  if (kStride == 1) {
    __m256i v[kRows];
    for (int i = 0; i < kRows; ++i) v[i] = _mm256_setzero_si256();
    for (; run != end; ++run) {
      const auto mask = static_cast<__mmask32>(run->reads);
      for (int i = 0; i < kRows; ++i) {
        v[i] = _mm256_or_si256(v[i], _mm256_maskz_loadu_epi8(mask, address(plane + i * step, run->start)));
      }
    }
    for (int i = 0; i < kRows; ++i) rows[i] = _mm256_mask_blend_epi8(inside, pad, _mm256_xor_si256(v[i], flips));
  } else if (kStride == 2) {
    __m512i v[kRows];
    for (int i = 0; i < kRows; ++i) v[i] = _mm512_setzero_si512();
    for (; run != end; ++run) {
      const __mmask64 mask = run->reads;
      for (int i = 0; i < kRows; ++i) {
        v[i] = _mm512_or_si512(v[i], _mm512_maskz_loadu_epi8(mask, address(plane + i * step, run->start)));
      }
    }
    // The zero-masked form of the narrowing: GCC 12's plain one reads an "undefined" vector and warns.
    for (int i = 0; i < kRows; ++i) {
      rows[i] = _mm256_mask_blend_epi8(inside, pad, _mm256_xor_si256(_mm512_maskz_cvtepi16_epi8(0xFFFFFFFF, v[i]), flips));
    }
  } else {
    for (int i = 0; i < kRows; ++i) {
      alignas(32) uint8_t row[32];
      _mm256_store_si256(reinterpret_cast<__m256i*>(row), pad);
      for (const Im2colRun* r = run; r != end; ++r) {
        for (int32_t j = r->first; j < r->first + r->count; ++j) row[j] = plane[i * step + r->start + j * stride] ^ flip;
      }
      rows[i] = _mm256_load_si256(reinterpret_cast<const __m256i*>(row));
    }
  }
}

// Rows r0..r3 (32 columns each) into 128 bytes of quads: column j's bytes r0[j] r1[j] r2[j] r3[j] at 4 * j. The
// unpacks work inside 128-bit lanes, so q0..q3 hold columns 0-15 in their low lanes and 16-31 in their high ones.
void store_quads(__m256i r0, __m256i r1, __m256i r2, __m256i r3, uint8_t* out) {
  const __m256i ab_lo = _mm256_unpacklo_epi8(r0, r1), ab_hi = _mm256_unpackhi_epi8(r0, r1);
  const __m256i cd_lo = _mm256_unpacklo_epi8(r2, r3), cd_hi = _mm256_unpackhi_epi8(r2, r3);
  const __m256i q0 = _mm256_unpacklo_epi16(ab_lo, cd_lo), q1 = _mm256_unpackhi_epi16(ab_lo, cd_lo);
  const __m256i q2 = _mm256_unpacklo_epi16(ab_hi, cd_hi), q3 = _mm256_unpackhi_epi16(ab_hi, cd_hi);
  auto* o = reinterpret_cast<__m256i*>(out);
  _mm256_storeu_si256(o, _mm256_permute2x128_si256(q0, q1, 0x20));
  _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(q2, q3, 0x20));
  _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(q0, q1, 0x31));
  _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(q2, q3, 0x31));
}

// k row c * taps + t: channel c at tap t, a quad of k spanning taps (or channels).
template <int kStride>
void pack_channel_major(const VnniIm2colPanel& p, int64_t p0, int64_t kc, int64_t kq, uint8_t* out) {
  const __m256i pad = _mm256_set1_epi8(static_cast<char>(p.pad));
  // Row p0 + i: channel c, tap t, the i-th planned tap (wrapping at taps).
  int64_t c = p0 / p.taps, t = p0 % p.taps, planned = 0;
  auto next_row = [&] {
    const Im2colRun* runs = p.runs + planned * p.per_tap;
    __m256i v;
    gather_rows<kStride, 1>(p.x + c * p.in_size, 0, runs, runs + p.per_tap, p.stride, p.inside[planned], pad, p.flip,
                            &v);
    if (++t == p.taps) t = 0, ++c;
    if (++planned == p.taps) planned = 0;
    return v;
  };
  int64_t q = 0;
  for (; q < kc / 4; ++q, out += 4 * kVnniNr) {
    const __m256i r0 = next_row(), r1 = next_row(), r2 = next_row(), r3 = next_row();
    store_quads(r0, r1, r2, r3, out);
  }
  for (; q < kq; ++q, out += 4 * kVnniNr) {
    const int64_t rows = kc - 4 * q;
    const __m256i r0 = rows > 0 ? next_row() : pad, r1 = rows > 1 ? next_row() : pad;
    const __m256i r2 = rows > 2 ? next_row() : pad;
    store_quads(r0, r1, r2, pad, out);
  }
}

// k row t * channels + c (channels and kc multiples of 4): each quad is four channels at one tap, gathered through
// that tap's runs together.
template <int kStride>
void pack_tap_major(const VnniIm2colPanel& p, int64_t p0, int64_t kq, uint8_t* out) {
  const __m256i pad = _mm256_set1_epi8(static_cast<char>(p.pad));
  int64_t c = p0 % p.channels, planned = 0;  // the first row's tap is the first planned one
  for (int64_t q = 0; q < kq; ++q, out += 4 * kVnniNr) {
    const Im2colRun* runs = p.runs + planned * p.per_tap;
    __m256i r[4];
    gather_rows<kStride, 4>(p.x + c * p.in_size, p.in_size, runs, runs + p.per_tap, p.stride, p.inside[planned], pad,
                            p.flip, r);
    store_quads(r[0], r[1], r[2], r[3], out);
    if ((c += 4) == p.channels) c = 0, ++planned;
  }
}

template <int kStride>
void pack_panel(const VnniIm2colPanel& p, int64_t p0, int64_t kc, int64_t kq, uint8_t* out) {
  if (p.tap_major) {
    pack_tap_major<kStride>(p, p0, kq, out);
  } else {
    pack_channel_major<kStride>(p, p0, kc, kq, out);
  }
}

}  // namespace

void pack_im2col_panel_vnni_avx512(const VnniIm2colPanel& p, int64_t p0, int64_t kc, int64_t kq, uint8_t* out) {
  if (p.stride == 1) {
    pack_panel<1>(p, p0, kc, kq, out);
  } else if (p.stride == 2) {
    pack_panel<2>(p, p0, kc, kq, out);
  } else {
    pack_panel<0>(p, p0, kc, kq, out);
  }
}

}  // namespace qedge::fast
