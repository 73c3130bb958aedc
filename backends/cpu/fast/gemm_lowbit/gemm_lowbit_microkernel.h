// The low-bit GEMM micro-kernel contract: a 4 x 16 int32 tile of C from a packed 4-row panel of W' and a packed
// 16-column panel of u8 activations over kq quads of k (4 consecutive k).
//   B panel: per quad 64 bytes, column j's 4 bytes at 4 * j (columns 0..7 fill the first 32 bytes).
//   W' panel, kS8: per quad 16 bytes, row r's 4 signed bytes at 4 * r.
//   W' panel, kS4: per pair of quads (an octet of k) 16 bytes; byte t of row r's 4 holds k = 8o + t in its low nibble
//   and k = 8o + 4 + t in its high nibble, as w' + offset in [0, 15] (kq is even).
// Byte-product pairs are summed in int16 over `group` quads, then widened; C (row stride ldc) is overwritten or
// accumulated into. For kS4 the result is the sum of (w' + offset) * b: the caller removes offset * column sums.
#pragma once

#include <cstdint>

namespace qedge::fast {

constexpr int64_t kLowbitMr = 4;
constexpr int64_t kLowbitNr = 16;

using GemmLowbitMicroKernel = void (*)(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c,
                                       int64_t ldc, bool accumulate);

void gemm_u8s8_4x16_scalar(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                           bool accumulate);
void gemm_u8s4_4x16_scalar(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                           bool accumulate);
#if defined(__x86_64__)
void gemm_u8s8_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate);
void gemm_u8s4_4x16_avx2(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate);
// AVX-512 VNNI: int32 sums throughout (`group` unused).
void gemm_u8s8_4x16_vnni(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate);
void gemm_u8s4_4x16_vnni(int64_t kq, int64_t group, const uint8_t* w, const uint8_t* b, int32_t* c, int64_t ldc,
                         bool accumulate);
#endif

}  // namespace qedge::fast
