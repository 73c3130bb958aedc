// The k loops the AVX2 and AVX-512 VNNI low-bit micro-kernels share (panels as in gemm_lowbit_microkernel.h), around
// the one step that differs: dot(r, w, b0, b1) adds row r's products of the broadcast weight quad w with the 16
// columns' quads b0 (columns 0..7) and b1 (8..15) into its accumulators. Internal linkage on purpose: each kernel
// file compiles its own copy with its own instruction-set flags, so no copy built for one CPU is linked into the other.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "gemm_lowbit/gemm_lowbit_microkernel.h"

namespace qedge::fast {
namespace {

inline __m256i broadcast_quad(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return _mm256_set1_epi32(v);
}

inline __m256i load_quads(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// Quads [q0, q1) of byte weights (kS8).
template <typename Dot>
inline void byte_quads(int64_t q0, int64_t q1, const uint8_t* w, const uint8_t* b, const Dot& dot) {
  for (int64_t q = q0; q < q1; ++q) {
    const __m256i b0 = load_quads(b + q * 64), b1 = load_quads(b + q * 64 + 32);
    for (int64_t r = 0; r < kLowbitMr; ++r) dot(r, broadcast_quad(w + q * 16 + r * 4), b0, b1);
  }
}

// Quads [q0, q1) (q0 even) of nibble weights (kS4): each broadcast of four bytes holds an octet, its low nibbles the
// first quad and its high nibbles the second.
template <typename Dot>
inline void nibble_quads(int64_t q0, int64_t q1, const uint8_t* w, const uint8_t* b, const Dot& dot) {
  const __m256i low = _mm256_set1_epi8(0x0F);
  for (int64_t q = q0; q < q1; q += 2) {
    const uint8_t* bq = b + q * 64;
    const __m256i b0 = load_quads(bq), b1 = load_quads(bq + 32), b2 = load_quads(bq + 64), b3 = load_quads(bq + 96);
    const uint8_t* wo = w + q / 2 * 16;
    for (int64_t r = 0; r < kLowbitMr; ++r) {
      const __m256i v = broadcast_quad(wo + r * 4);
      dot(r, _mm256_and_si256(v, low), b0, b1);
      dot(r, _mm256_and_si256(_mm256_srli_epi16(v, 4), low), b2, b3);
    }
  }
}

}  // namespace
}  // namespace qedge::fast
