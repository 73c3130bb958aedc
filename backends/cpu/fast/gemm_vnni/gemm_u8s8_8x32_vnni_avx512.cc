// AVX-512 VNNI micro-kernel and B packing: per quad of k, two B loads (32 columns x 4 u8) and eight broadcast weight
// quads feed sixteen vpdpbusd into sixteen int32 accumulators (u8 x s8 products summed exactly, no int16 stage).
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; only called when cpu_features().avx512_vnni. Plain
// loops and intrinsics only: no inline library code that another file could end up sharing.
#include <immintrin.h>

#include <cstring>

#include "gemm_vnni/gemm_vnni_microkernel.h"
#include "requant_sixteen_avx512.h"

namespace qedge::fast {
namespace {

__mmask16 column_mask(int64_t cols) {
  if (cols >= 16) return 0xFFFF;
  return cols <= 0 ? 0 : static_cast<__mmask16>((1u << cols) - 1);
}

// 16 columns of 4 whole rows of row-major B into one 64-byte quad: rows into the four 128-bit lanes, a dword
// transpose across lanes (lane L gets columns 4L..4L+3 of each row), then a byte transpose inside each lane.
__m512i quad_of_rows(const uint8_t* b, int64_t ldb, __m512i flip) {
  __m512i v = _mm512_zextsi128_si512(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
  v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + ldb)), 1);
  v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2 * ldb)), 2);
  v = _mm512_inserti32x4(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 3 * ldb)), 3);
  const __m512i lanes = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  // Bytes 0, 4, 8, 12, 1, 5, ... of each lane, as little-endian dwords.
  const __m512i bytes = _mm512_set4_epi32(0x0F0B0703, 0x0E0A0602, 0x0D090501, 0x0C080400);
  // The zero-masked form: GCC 12's plain one reads an "undefined" vector and warns.
  return _mm512_shuffle_epi8(_mm512_maskz_permutexvar_epi32(0xFFFF, lanes, _mm512_xor_si512(v, flip)), bytes);
}

// The tile's sums for kVecs vectors of 16 columns: each acc[r][h] (already holding its start) plus the kq quads'
// products of row r and columns 16h..16h+15. Always inlined so that the accumulators stay in registers.
template <int kVecs>
__attribute__((always_inline)) inline void add_products(int64_t kq, const int8_t* w, const uint8_t* b,
                                                         __m512i (&acc)[kVnniMr][kVecs]) {
  for (int64_t q = 0; q < kq; ++q) {
    __m512i bq[kVecs];
#pragma GCC unroll 2
    for (int h = 0; h < kVecs; ++h) bq[h] = _mm512_loadu_si512(b + q * 128 + 64 * h);
#pragma GCC unroll 8
    for (int64_t r = 0; r < kVnniMr; ++r) {
      int32_t quad;
      std::memcpy(&quad, w + q * 32 + r * 4, sizeof(quad));
      const __m512i wq = _mm512_set1_epi32(quad);
      // vpdpbusd as inline assembly: with _mm512_dpbusd_epi32 GCC 12 copies every accumulator into a second
      // register (and some onto the stack) on each quad, about 30 extra moves per 16 products.
#pragma GCC unroll 2
      for (int h = 0; h < kVecs; ++h) asm("vpdpbusd %2, %1, %0" : "+v"(acc[r][h]) : "v"(bq[h]), "v"(wq));
    }
  }
}

// The sums tile of kVecs * 16 columns (gemm_u8s8_8x32_vnni_avx512's contract).
template <int kVecs>
void tile_sums(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c, int64_t ldc,
               int64_t rows, int64_t cols, bool accumulate) {
  const bool whole = rows == kVnniMr && cols == 16 * kVecs;
  __mmask16 mask[kVecs];
  for (int h = 0; h < kVecs; ++h) mask[h] = column_mask(cols - 16 * h);
  // The row loops unrolled (GCC 12 keeps a loop over the accumulator array on the stack), so that the accumulators
  // live in registers.
  __m512i acc[kVnniMr][kVecs];
#pragma GCC unroll 8
  for (int64_t r = 0; r < kVnniMr; ++r) {
    // Rows past the tile load nothing (a zero mask reads no memory).
    const __mmask16 live = r < rows ? 0xFFFF : 0;
#pragma GCC unroll 2
    for (int h = 0; h < kVecs; ++h) {
      if (!accumulate) {
        acc[r][h] = _mm512_set1_epi32(init[r]);
      } else if (whole) {
        acc[r][h] = _mm512_loadu_si512(c + r * ldc + 16 * h);
      } else {
        acc[r][h] = _mm512_maskz_loadu_epi32(mask[h] & live, c + r * ldc + 16 * h);
      }
    }
  }
  add_products<kVecs>(kq, w, b, acc);
#pragma GCC unroll 8
  for (int64_t r = 0; r < kVnniMr; ++r) {
    if (!whole && r >= rows) break;
#pragma GCC unroll 2
    for (int h = 0; h < kVecs; ++h) {
      if (whole) {
        _mm512_storeu_si512(c + r * ldc + 16 * h, acc[r][h]);
      } else {
        _mm512_mask_storeu_epi32(c + r * ldc + 16 * h, mask[h], acc[r][h]);
      }
    }
  }
}

// The levels tile of kVecs * 16 columns (gemm_u8s8_8x32_levels_vnni_avx512's contract).
template <int kVecs>
uint32_t tile_levels(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, const VnniTileLevels& out,
                     int64_t rows, int64_t cols, int32_t* doubt_sums, uint32_t* doubt_lanes) {
  const __mmask16 m0 = column_mask(cols), m1 = column_mask(cols - 16);
  const __mmask64 bytes_mask = static_cast<__mmask64>(m0) | static_cast<__mmask64>(m1) << 16;
  __m512i acc[kVnniMr][kVecs];
#pragma GCC unroll 8
  for (int64_t r = 0; r < kVnniMr; ++r) {
#pragma GCC unroll 2
    for (int h = 0; h < kVecs; ++h) acc[r][h] = _mm512_set1_epi32(init[r]);
  }
  add_products<kVecs>(kq, w, b, acc);
  const __m512 lo = _mm512_set1_ps(out.lo), hi = _mm512_set1_ps(out.hi), margin = _mm512_set1_ps(out.margin);
  uint32_t doubtful_rows = 0;
#pragma GCC unroll 8
  for (int64_t r = 0; r < kVnniMr; ++r) {
    if (r >= rows) break;
    const __m512 m = _mm512_set1_ps(out.m[r * out.step]), bias = _mm512_set1_ps(out.b[r * out.step]);
    __mmask16 d0, d1 = 0;
    const __m512i l0 = sixteen_levels(_mm512_fmadd_ps(_mm512_maskz_cvtepi32_ps(m0, acc[r][0]), m, bias), lo, hi,
                                      margin, m0, &d0);
    const __m512i l1 = kVecs == 1 ? l0
                                  : sixteen_levels(_mm512_fmadd_ps(_mm512_maskz_cvtepi32_ps(m1, acc[r][kVecs - 1]), m,
                                                                   bias),
                                                   lo, hi, margin, m1, &d1);
    const __m512i bytes =
        out.is_signed ? bytes_of_levels<true>(l0, l1, l0, l1) : bytes_of_levels<false>(l0, l1, l0, l1);
    _mm512_mask_storeu_epi8(out.y + r * out.ldy, bytes_mask, bytes);
    const uint32_t doubt = d0 | static_cast<uint32_t>(d1) << 16;
    if (doubt != 0) {
#pragma GCC unroll 2
      for (int h = 0; h < kVecs; ++h) _mm512_storeu_si512(doubt_sums + r * kVnniNr + 16 * h, acc[r][h]);
      doubt_lanes[r] = doubt;
      doubtful_rows |= 1u << r;
    }
  }
  return doubtful_rows;
}

// A column's quad pairs (pair_column_quads_vnni_avx512) against the 8-row W' panel over kq quads: the 8 rows' sums
// (without their start), lanes 0-7. One W' load and one pair load per vpdpbusd: the pairs, made once per B panel,
// serve every row panel.
__m256i column_sums(int64_t kq, const int8_t* w, const uint8_t* pairs) {
  // Lanes 0-7 take quad q (rows 0-7), lanes 8-15 quad q + 1; four accumulators hide vpdpbusd's latency.
  __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
  const auto pair = [&](int64_t q) { return _mm512_loadu_si512(pairs + q / 2 * 64); };
  int64_t q = 0;
  for (; q + 8 <= kq; q += 8) {
#pragma GCC unroll 4
    for (int u = 0; u < 4; ++u) {
      acc[u] = _mm512_dpbusd_epi32(acc[u], pair(q + 2 * u), _mm512_loadu_si512(w + (q + 2 * u) * 32));
    }
  }
  for (; q + 2 <= kq; q += 2) acc[0] = _mm512_dpbusd_epi32(acc[0], pair(q), _mm512_loadu_si512(w + q * 32));
  const __m512i all = _mm512_add_epi32(_mm512_add_epi32(acc[0], acc[1]), _mm512_add_epi32(acc[2], acc[3]));
  // Zero-masked extracts: GCC 12's plain ones (and its 512-to-256 cast) read an "undefined" vector and warn.
  __m256i sum =
      _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xF, all, 0), _mm512_maskz_extracti64x4_epi64(0xF, all, 1));
  if (q < kq) {
    sum = _mm256_dpbusd_epi32(sum, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pairs + q / 2 * 64)),
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + q * 32)));
  }
  return sum;
}

}  // namespace

void gemm_u8s8_8x32_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c,
                                int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  tile_sums<2>(kq, w, b, init, c, ldc, rows, cols, accumulate);
}

void gemm_u8s8_8x16_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c,
                                int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  tile_sums<1>(kq, w, b, init, c, ldc, rows, cols, accumulate);
}

uint32_t gemm_u8s8_8x32_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init,
                                           const VnniTileLevels& out, int64_t rows, int64_t cols, int32_t* doubt_sums,
                                           uint32_t* doubt_lanes) {
  return tile_levels<2>(kq, w, b, init, out, rows, cols, doubt_sums, doubt_lanes);
}

uint32_t gemm_u8s8_8x16_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init,
                                           const VnniTileLevels& out, int64_t rows, int64_t cols, int32_t* doubt_sums,
                                           uint32_t* doubt_lanes) {
  return tile_levels<1>(kq, w, b, init, out, rows, cols, doubt_sums, doubt_lanes);
}

void pair_column_quads_vnni_avx512(const uint8_t* b, int64_t kq, uint8_t* pairs) {
  for (int64_t q = 0; q < kq; q += 2, pairs += 64) {
    int32_t lo, hi = 0;
    std::memcpy(&lo, b + q * 128, sizeof(lo));
    if (q + 1 < kq) std::memcpy(&hi, b + (q + 1) * 128, sizeof(hi));
    _mm512_storeu_si512(pairs, _mm512_mask_set1_epi32(_mm512_set1_epi32(lo), 0xFF00, hi));
  }
}

void gemm_u8s8_8x1_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* pairs, const int32_t* init, int32_t* c,
                               int64_t ldc, int64_t rows, bool accumulate) {
  alignas(32) int32_t rows_sum[kVnniMr];
  _mm256_store_si256(reinterpret_cast<__m256i*>(rows_sum), column_sums(kq, w, pairs));
  for (int64_t r = 0; r < rows; ++r) c[r * ldc] = (accumulate ? c[r * ldc] : init[r]) + rows_sum[r];
}

uint32_t gemm_u8s8_8x1_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* pairs, const int32_t* init,
                                          const VnniTileLevels& out, int64_t rows, int32_t* doubt_sums,
                                          uint32_t* doubt_lanes) {
  // The eight rows in lanes 0-7 of one vector, each with its own constants.
  const auto live = static_cast<__mmask16>((1u << rows) - 1);
  const __m512i column = _mm512_maskz_inserti64x4(0xFF, _mm512_setzero_si512(), column_sums(kq, w, pairs), 0);
  const __m512i sums = _mm512_maskz_add_epi32(live, column, _mm512_maskz_loadu_epi32(live, init));
  const __m512 m = out.step ? _mm512_maskz_loadu_ps(live, out.m) : _mm512_set1_ps(out.m[0]);
  const __m512 bias = out.step ? _mm512_maskz_loadu_ps(live, out.b) : _mm512_set1_ps(out.b[0]);
  __mmask16 doubt;
  const __m512i levels = sixteen_levels(_mm512_fmadd_ps(_mm512_maskz_cvtepi32_ps(live, sums), m, bias),
                                        _mm512_set1_ps(out.lo), _mm512_set1_ps(out.hi), _mm512_set1_ps(out.margin),
                                        live, &doubt);
  alignas(64) int32_t level[16], sum[16];
  _mm512_store_si512(level, levels);
  _mm512_store_si512(sum, sums);
  for (int64_t r = 0; r < rows; ++r) {
    out.y[r * out.ldy] = static_cast<uint8_t>(level[r]);
    doubt_sums[r * kVnniNr] = sum[r];
    doubt_lanes[r] = doubt >> r & 1u;
  }
  return doubt;
}

void pack_b_panel_vnni_avx512(const uint8_t* b, int64_t ldb, bool trans, int64_t kc, int64_t kq, int64_t cols,
                              uint8_t flip, uint8_t* out) {
  const __m512i flips = _mm512_set1_epi8(static_cast<char>(flip));
  for (int64_t q = 0; q < kq; ++q, out += 4 * kVnniNr) {
    const int64_t p0 = 4 * q, rows = kc - p0 < 4 ? (kc - p0 < 0 ? 0 : kc - p0) : 4;
    if (!trans && rows == 4 && cols == kVnniNr) {
      _mm512_storeu_si512(out, quad_of_rows(b + p0 * ldb, ldb, flips));
      _mm512_storeu_si512(out + 64, quad_of_rows(b + p0 * ldb + 16, ldb, flips));
      continue;
    }
    std::memset(out, 0, 4 * kVnniNr);
    for (int64_t j = 0; j < cols; ++j) {
      for (int64_t p = 0; p < rows; ++p) out[j * 4 + p] = (trans ? b[j * ldb + p0 + p] : b[(p0 + p) * ldb + j]) ^ flip;
    }
  }
}

}  // namespace qedge::fast
