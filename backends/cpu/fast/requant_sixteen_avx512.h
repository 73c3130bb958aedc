// Shared by the AVX-512 certified requantization (requant_certified_avx512.cc) and the VNNI GEMM's levels store
// (gemm_vnni/gemm_u8s8_8x32_vnni_avx512.cc): one step of the certified form (requant_certified_avx2.cc has the proof),
// so that a level and its doubt come out the same whichever of the two computes them. Internal linkage on purpose:
// each includer is compiled with its own target flags, and one shared out-of-line copy could carry its instructions
// into the other.
#pragma once

#include <immintrin.h>

namespace qedge::fast {
namespace {

// The levels of sixteen estimates f (the lanes' F) in `lanes`: clamped to [lo, hi], rounded half to even; *doubt gets
// the lanes whose clamped value is not within `margin` of its level. Zero-masked forms throughout: the lanes past a
// partial group stay zero (and GCC 12 warns on the unmasked forms' undefined sources).
inline __m512i sixteen_levels(__m512 f, __m512 lo, __m512 hi, __m512 margin, __mmask16 lanes, __mmask16* doubt) {
  const __m512 g = _mm512_maskz_min_ps(lanes, _mm512_maskz_max_ps(lanes, f, lo), hi);
  const __m512 n = _mm512_maskz_roundscale_ps(lanes, g, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  *doubt = _mm512_mask_cmp_ps_mask(lanes, _mm512_abs_ps(_mm512_sub_ps(g, n)), margin, _CMP_NLT_UQ);
  return _mm512_maskz_cvttps_epi32(lanes, n);
}

// Sixteen levels of each of l0..l3 (within the 8-bit type's range, so the saturating packs are exact) as 64 bytes in
// element order: the packs interleave 128-bit lanes (lane L of their result holds elements 4L..4L+3 of l0, l1, l2,
// l3), which the dword permutation undoes. Pass l2 = l0, l3 = l1 for 32 levels in the low half.
template <bool kSigned>
inline __m512i bytes_of_levels(__m512i l0, __m512i l1, __m512i l2, __m512i l3) {
  const __m512i words01 = _mm512_packs_epi32(l0, l1), words23 = _mm512_packs_epi32(l2, l3);
  const __m512i bytes = kSigned ? _mm512_packs_epi16(words01, words23) : _mm512_packus_epi16(words01, words23);
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  return _mm512_maskz_permutexvar_epi32(0xffff, order, bytes);
}

}  // namespace
}  // namespace qedge::fast
