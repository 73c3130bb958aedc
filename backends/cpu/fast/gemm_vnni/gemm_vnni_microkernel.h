// The VNNI GEMM micro-kernel contract: an 8 x 32 int32 tile of C from a packed 8-row panel of W' and a packed
// 32-column panel of u8 activations over kq quads of k (4 consecutive k).
//   W' panel: per quad 32 bytes, row r's 4 signed bytes at 4 * r (rows past the matrix are zero).
//   B panel: per quad 128 bytes, column j's 4 bytes at 4 * j (k and columns past the matrix are zero).
// Rows [0, rows) and columns [0, cols) of the tile are stored into C (row stride ldc); they start from C when
// `accumulate`, else from init[r] (the row's zero-point term).
#pragma once

#include <cstdint>

namespace qedge::fast {

constexpr int64_t kVnniMr = 8;
constexpr int64_t kVnniNr = 32;

#if defined(__x86_64__)
void gemm_u8s8_8x32_vnni_avx512(int64_t kq, const int8_t* w, const uint8_t* b, const int32_t* init, int32_t* c,
                                int64_t ldc, int64_t rows, int64_t cols, bool accumulate);

// One B panel: B[0:kc, 0:cols] (row-major with row stride ldb, or [cols, kc] when trans) into kq quads of the
// layout above, zero past kc and cols (cols <= kVnniNr, kc <= 4 * kq).
void pack_b_panel_vnni_avx512(const uint8_t* b, int64_t ldb, bool trans, int64_t kc, int64_t kq, int64_t cols,
                              uint8_t* out);
#endif

}  // namespace qedge::fast
