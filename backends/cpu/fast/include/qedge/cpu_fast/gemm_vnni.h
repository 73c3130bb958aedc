// Exact integer GEMM on u8 x s8 byte products with AVX-512 VNNI (vpdpbusd) for the integer ops' fast path:
//   C[M, N] (int32) = W'[M, K] * (B[K, N] - b_zero_point)
// W' are weight levels minus their zero points, which must fit s8, packed once into 4-k groups; B are unsigned
// 8-bit activations, packed per call into the 4-k interleaved panels vpdpbusd reads. vpdpbusd adds four u8 x s8
// products into an int32 lane without saturation, so every partial sum is the plain integer sum; the zero-point term
// -b_zero_point * rowsum(W') is folded into the weights at packing and starts each accumulator. Only for CPUs with
// cpu_features().avx512_vnni; the others keep the int16 and low-bit GEMMs.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// True when this CPU runs the VNNI GEMM.
bool gemm_vnni_available();

// True when W' in [lo, hi] fits s8 and a length-k dot product (with its zero-point term) fits int32 exactly.
bool gemm_vnni_exact(int64_t lo, int64_t hi, int64_t k);

// True when W' in [lo, hi] fits the 4-bit form of VnniWeights: signed 4-bit values [-8, 7], or unsigned ones
// [0, 15] (unsigned 4-bit weights with zero point 0).
bool gemm_vnni_nibbles_fit(int64_t lo, int64_t hi);

// W' packed into the micro-kernel's 8-row panels (rows past m are zero; stored k slice by k slice, each slice's panels
// back to back), and each row's starting value. Weights of at
// most 4 bits stay 4-bit in memory (`nibbles`: two quads of a panel per 32 bytes, k_pad a multiple of 8): the GEMM
// widens one panel's k slice at a time into a small buffer in L1, which every column panel of the block then reads.
struct VnniWeights {
  int64_t m = 0, k = 0, k_pad = 0;  // k_pad: k rounded up to 4 (bytes) or 8 (nibbles)
  std::vector<int8_t> data;         // the byte form, empty in the 4-bit form
  std::vector<uint8_t> nibbles;     // the 4-bit form, empty in the byte form
  bool unsigned_nibbles = false;    // the 4-bit values are [0, 15] (else [-8, 7])
  std::vector<int32_t> row_init;    // -b_zero_point * sum over k of W'[i, k]; padded to whole panels
  size_t bytes() const { return data.size() + nibbles.size() + row_init.size() * sizeof(int32_t); }
};

// Packs W'[i, p] = w[i * row_stride + p * k_stride] (i < m, p < k; every value a gemm_vnni_exact level, and a
// gemm_vnni_nibbles_fit one with `nibbles`) for activations with zero point b_zero_point. With tap_major_taps > 1
// (dividing k) the source's k is channel-major (c * taps + t) and W' takes it tap-major: W'[i, t * k / taps + c].
VnniWeights pack_vnni_weights(const int8_t* w, int64_t m, int64_t k, int64_t row_stride, int64_t k_stride,
                              int32_t b_zero_point, bool nibbles = false, int64_t tap_major_taps = 1);

// Where B comes from: packs B[p0 : p0 + kc, j0 : j0 + cols] (kc <= 4 * kq, cols <= 32) into the micro-kernel's
// panel of kq quads of k (per quad 128 bytes, column j's 4 bytes at 4 * j; what lies past kc and cols is multiplied
// by zero weights or not stored). Called concurrently from the GEMM's workers.
class VnniPanelSource {
 public:
  virtual ~VnniPanelSource() = default;
  virtual void pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const = 0;
};

// B in memory: [K, N] with row stride ldb, or [N, K] (element (p, j) at b[j * ldb + p]) when trans; each byte XORed
// with flip as it is packed (0x80: int8 levels to the u8 scale).
class VnniMatrixPanels final : public VnniPanelSource {
 public:
  VnniMatrixPanels(const uint8_t* b, int64_t ldb, bool trans, uint8_t flip = 0)
      : b_(b), ldb_(ldb), trans_(trans), flip_(flip) {}
  void pack(int64_t p0, int64_t kc, int64_t kq, int64_t j0, int64_t cols, uint8_t* out) const override;

 private:
  const uint8_t* b_;
  int64_t ldb_;
  bool trans_;
  uint8_t flip_;
};

// C[i, j] = sum_p W'[i, p] * (B[p, j] - b_zero_point) for i < w.m, j < n, into C with row stride ldc. Work is split
// across `threads` (null: one thread) by column panels, or by row panels when there are few columns. Needs
// gemm_vnni_available().
void gemm_vnni(const VnniWeights& w, const VnniPanelSource& b, int64_t n, int32_t* c, int64_t ldc, ThreadPool* threads);
void gemm_vnni(const VnniWeights& w, const uint8_t* b, int64_t ldb, bool trans_b, int64_t n, int32_t* c, int64_t ldc,
               ThreadPool* threads);

// Called with each block of C as soon as it is final, on the thread that computed it: C[i0 + r, j0 + j] at
// sums[r * ld + j] for r < i1 - i0, j < j1 - j0.
using VnniBlockSums =
    std::function<void(const int32_t* sums, int64_t ld, int64_t i0, int64_t i1, int64_t j0, int64_t j1)>;

// The same GEMM with C handed over block by block instead of written out: the sums live in a per-thread buffer of
// one block (at most w.m x 256 int32) that the next block reuses, so that they are in cache when `done` reads them
// and a layer's C never goes to memory (mobilenet_v2's 16 -> 96 1x1 layer at 112x112 has 4.8 MB of it).
void gemm_vnni_blocks(const VnniWeights& w, const VnniPanelSource& b, int64_t n, ThreadPool* threads,
                      const VnniBlockSums& done);

// The same GEMM stored as 8-bit levels by its micro-kernel, for a requantizing epilogue in the certified form
// (backends/cpu/fast/requant.h): level(i, j) = round_half_even(clamp(float(C[i, j]) * m_i + b_i, lo, hi)) when that
// clamped value lies within `margin` of its level; the sums never leave registers. The other sums (rare, near a
// rounding edge) go to settle(i, j, C[i, j]), on the thread that computed them, after their level was stored.
struct VnniLevels {
  const float* m = nullptr;  // row i's multiplier at m[i * step]
  const float* b = nullptr;  // and its addend at b[i * step]
  int64_t step = 0;          // 0: one m and b for every row; 1: one per row
  float lo = 0.0f, hi = 0.0f, margin = 0.0f;
  bool is_signed = false;    // int8 levels, else uint8
  uint8_t* y = nullptr;      // level (i, j) at y[i * ldy + j]
  int64_t ldy = 0;
  std::function<void(int64_t i, int64_t j, int32_t sum)> settle;
};

// True when gemm_vnni_levels takes these weights and n columns: k within one slice of the GEMM (so that a tile's sums
// are final when its products are), and more columns than the one-column kernel's blocks.
bool gemm_vnni_levels_fit(const VnniWeights& w, int64_t n);

// Needs gemm_vnni_available() and gemm_vnni_levels_fit(w, n).
void gemm_vnni_levels(const VnniWeights& w, const VnniPanelSource& b, int64_t n, ThreadPool* threads,
                      const VnniLevels& out);

}  // namespace qedge::fast
