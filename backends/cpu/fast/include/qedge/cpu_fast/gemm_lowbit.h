// Exact integer GEMM on u8 x s8 byte products (vpmaddubsw on AVX2, vpdpbusd on AVX-512 VNNI) for the integer ops' fast path:
//   C[M, N] (int32) = W'[M, K] * (B[K, N] - b_zero_point)
// W' are weight levels minus their zero points, kept as bytes (5..8-bit ranges) or as nibbles (ranges of at most 16
// levels: 1..4-bit weights), packed once and unpacked in registers; B are unsigned 8-bit activations. vpmaddubsw
// sums two u8 x s8 products into int16 with saturation, so the layout is only chosen where every pair sum, and the
// int16 partial sums the micro-kernel keeps before widening, provably fit int16 (lowbit_layout); the result equals
// the plain integer dot product bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

enum class LowbitFormat { kS8, kS4 };

// How W' is stored: bytes w', or nibbles w' + offset in [0, 15]; `group` k-quads of byte products are summed in
// int16 before widening to int32 (exact for activations in [0, 255]).
struct LowbitLayout {
  LowbitFormat format = LowbitFormat::kS8;
  int32_t offset = 0;
  int64_t group = 1;
};

// The layout for weights W' in [lo, hi] and a dot length k, or nothing when no byte layout is exact (the caller
// keeps the int16 GEMM).
std::optional<LowbitLayout> lowbit_layout(int64_t lo, int64_t hi, int64_t k);

// W' packed into the micro-kernel's row panels, plus the row sums the zero-point correction needs.
struct LowbitWeights {
  LowbitLayout layout;
  int64_t m = 0, k = 0, k_pad = 0;  // k_pad: k rounded up to 8
  std::vector<uint8_t> data;
  std::vector<int32_t> row_sums;    // sum over k of W'[i, k]
  size_t bytes() const { return data.size() + row_sums.size() * sizeof(int32_t); }
};

// Packs W'[i, p] = w[i * row_stride + p * k_stride] (i < m, p < k; every value inside the layout's range).
LowbitWeights pack_lowbit_weights(const LowbitLayout& layout, const int16_t* w, int64_t m, int64_t k,
                                  int64_t row_stride, int64_t k_stride);

// Called with a column range [j0, j1) of C as soon as it is final, on the thread that computed it, while it is
// still in cache (the callers requantize there).
using LowbitColumnsDone = std::function<void(int64_t j0, int64_t j1)>;

// C[i, j] = sum_p W'[i, p] * (B[p, j] - b_zero_point) for i < w.m, j < n. B is [K, N] with row stride ldb, or
// [N, K] (element (p, j) at b[j * ldb + p]) when trans_b. Columns are split across `threads` (null: one thread).
void gemm_lowbit(const LowbitWeights& w, const uint8_t* b, int64_t ldb, bool trans_b, int64_t n,
                 int32_t b_zero_point, int32_t* c, int64_t ldc, ThreadPool* threads,
                 const LowbitColumnsDone& done = nullptr);

// Which micro-kernels gemm_lowbit uses on this CPU ("avx512_vnni_dpbusd_4x16", "avx2_maddubs_4x16" or
// "scalar_4x16").
const char* gemm_lowbit_kernel_name();

}  // namespace qedge::fast
