// The VNNI GEMM micro-kernel contract: an 8 x 32 int32 tile of C from a packed 8-row panel of W' and a packed
// 32-column panel of u8 activations over kq quads of k (4 consecutive k).
//   W' panel: per quad 32 bytes, row r's 4 signed bytes at 4 * r (rows past the matrix are zero).
//   B panel: per quad 128 bytes, column j's 4 bytes at 4 * j (k and columns past the matrix are zero).
// Rows [0, rows) and columns [0, cols) of the tile are stored into C (row stride ldc); they start from C when
// `accumulate`, else from init[r] (the row's zero-point term).
#pragma once

#include <cstdint>

#include "im2col_runs.h"

namespace qedge::fast {

constexpr int64_t kVnniMr = 8;
constexpr int64_t kVnniNr = 32;

#if defined(__x86_64__)
void gemm_u8s8_8x32_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c,
                                int64_t ldc, int64_t rows, int64_t cols, bool accumulate);

// Where gemm_u8s8_8x32_levels puts a tile: the certified requantization's step (requant_sixteen_avx512.h) on each
// sum, level (r, j) at y[r * ldy + j] as an 8-bit level; row r's constants at m[r * step] and b[r * step].
struct VnniTileLevels {
  const float* m;
  const float* b;
  int64_t step;
  float lo, hi, margin;
  bool is_signed;
  uint8_t* y;
  int64_t ldy;
};

// The tile of C as above, started from init (k in one slice), stored as levels instead of sums. Returns the rows
// (bit r) with lanes in doubt: their sums go to doubt_sums[r * 32 + j] and their lanes (bit j) to doubt_lanes[r], for
// the caller to store by the scalar epilogue.
uint32_t gemm_u8s8_8x32_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init,
                                           const VnniTileLevels& out, int64_t rows, int64_t cols, int32_t* doubt_sums,
                                           uint32_t* doubt_lanes);

// The same two for tiles of at most 16 columns (column j of the B panel for j < 16): the rest of a row of C that
// whole 32-column tiles leave (49 columns of a 7x7 image: 32 + 16 + 1).
void gemm_u8s8_8x16_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c,
                                int64_t ldc, int64_t rows, int64_t cols, bool accumulate);
uint32_t gemm_u8s8_8x16_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init,
                                           const VnniTileLevels& out, int64_t rows, int64_t cols, int32_t* doubt_sums,
                                           uint32_t* doubt_lanes);

// Column 0 of a B panel (its quad q at b + 128 * q) as (kq + 1) / 2 vectors of 64 bytes for the one-column kernels:
// quad 2t in lanes 0-7 and quad 2t + 1 (zero past kq) in lanes 8-15 of vector t.
void pair_column_quads_vnni_avx512(const uint8_t* b, int64_t kq, uint8_t* pairs);

// The same two as above for one column of C, from its quad pairs: rows [0, rows) of it at c, ldc apart, or as
// levels. For blocks of a few columns (a QMatMul on one row) and the last few columns of a row of C, where a wider
// tile would multiply zeros.
void gemm_u8s8_8x1_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* pairs, const int32_t* init, int32_t* c,
                               int64_t ldc, int64_t rows, bool accumulate);
uint32_t gemm_u8s8_8x1_levels_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* pairs, const int32_t* init,
                                          const VnniTileLevels& out, int64_t rows, int32_t* doubt_sums,
                                          uint32_t* doubt_lanes);

// Pairs of W' quads kept as 4-bit values (VnniWeights::nibbles) back into the W' panel layout: per pair, byte j of the
// 32 in holds byte j of the first quad (low nibble) and of the second (high nibble), each a signed 4-bit value (an
// unsigned one with is_unsigned); out gets 64 bytes per pair.
void unpack_nibble_quads_vnni_avx512(const uint8_t* in, int64_t pairs, bool is_unsigned, int8_t* out);

// One B panel: B[0:kc, 0:cols] (row-major with row stride ldb, or [cols, kc] when trans) into kq quads of the
// layout above, each byte XORed with `flip` (0x80 moves int8 levels to the u8 scale), zero past kc and cols
// (cols <= kVnniNr, kc <= 4 * kq).
void pack_b_panel_vnni_avx512(const uint8_t* b, int64_t ldb, bool trans, int64_t kc, int64_t kq, int64_t cols,
                              uint8_t flip, uint8_t* out);

// One B panel of im2col(x) packed straight from the input planes, without the column matrix: k row c * taps + tap
// (channel-major), or tap * channels + c (tap_major: channels and kc multiples of 4), reads channel c's plane (at
// x + c * in_size) through the panel's runs of that tap (im2col_runs.h).
struct VnniIm2colPanel {
  const uint8_t* x;
  int64_t in_size, taps, channels;
  bool tap_major;
  int64_t stride;          // along the innermost axis
  const Im2colRun* runs;   // Im2colPanelRuns::plan from the tap of k row p0, for the taps of k rows [p0, p0 + kc)
  int64_t per_tap;
  const uint32_t* inside;
  uint8_t pad;             // padding and k rows past kc
  uint8_t flip;            // XORed into every byte read from x (0x80: int8 levels to the u8 scale)
};
void pack_im2col_panel_vnni_avx512(const VnniIm2colPanel& p, int64_t p0, int64_t kc, int64_t kq, uint8_t* out);
#endif

}  // namespace qedge::fast
