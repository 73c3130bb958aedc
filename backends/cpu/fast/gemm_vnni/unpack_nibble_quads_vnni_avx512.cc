// Compiled with -mavx512f -mavx512bw; only called where cpu_features() reports AVX-512 (the VNNI GEMM). 4-bit W'
// back to the byte panels the micro-kernel reads (gemm_vnni_microkernel.h): 32 bytes in, 64 out per pair of quads.
#include <immintrin.h>

#include "gemm_vnni/gemm_vnni_microkernel.h"

namespace qedge::fast {

void unpack_nibble_quads_vnni_avx512(const uint8_t* in, int64_t pairs, bool is_unsigned, int8_t* out) {
  const __m512i low = _mm512_set1_epi8(0x0f), sign = _mm512_set1_epi8(is_unsigned ? 0 : 8);
  for (int64_t t = 0; t < pairs; ++t) {
    // The 32 bytes in both halves, the upper half shifted down to its high nibbles (masked forms: GCC 12 warns on
    // the unmasked ones' undefined sources).
    const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 32 * t));
    const __m512i both = _mm512_maskz_broadcast_i64x4(0xff, packed);
    const __m512i nibbles = _mm512_and_si512(_mm512_mask_srli_epi16(both, 0xffff0000u, both, 4), low);
    // (x ^ 8) - 8 sign-extends a 4-bit value held in the low bits of a byte; (x ^ 0) - 0 leaves an unsigned one.
    _mm512_storeu_si512(out + 64 * t, _mm512_sub_epi8(_mm512_xor_si512(nibbles, sign), sign));
  }
}

}  // namespace qedge::fast
