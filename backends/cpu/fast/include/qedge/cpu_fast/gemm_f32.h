// Single-precision GEMM for the fast CPU kernels: C[M, N] = A[M, K] * B[K, N] (+ C when accumulate), row-major
// with leading dimensions. Blocked and packed (BLIS-style loops around a register-tiled micro-kernel); the
// micro-kernel is AVX2+FMA where the CPU has it (gemm_f32_avx2.cc), portable C++ otherwise.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  bool trans_b = false;  // B is stored as [N, K] (element (p, j) at b[j * ldb + p])
};

// How many of `threads`' threads (null: one) a product of `macs` multiply-adds is worth splitting across: one per
// kGemmMinMacsPerThread, at least one. Handing a part to a worker and waiting for it costs microseconds (more when
// the worker has to be woken or its core is busy elsewhere), what about 0.5 M multiply-adds take at this CPU's FMA
// peak, so smaller parts would make a second thread slower than one.
constexpr int64_t kGemmMinMacsPerThread = 512 * 1024;
inline int64_t gemm_parts(int64_t macs, const ThreadPool* threads) {
  const int64_t n = threads ? threads->num_threads() : 1;
  return std::max<int64_t>(1, std::min(n, macs / kGemmMinMacsPerThread));
}

// Splits the rows or the columns of C across `threads` (null: one thread) when gemm_parts allows more than one;
// gemm_blocking.h says which.
void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c, bool accumulate, ThreadPool* threads);

// A constant A [m, k] packed once into the 6-row panels gemm_f32's micro-kernel reads, in gemm_f32's k slices. Kernels
// keep one per constant weight (Tensor::constant) across runs, so that run() packs only B: a mobilenet_v2 inference
// otherwise re-packs 14 MB of weights.
class GemmF32PackedA {
 public:
  // Room for an m x k A, left unfilled (and so, for large ones, not yet backed by touched pages): what a kernel's
  // prepare does, so that loading a model costs no packing.
  void reserve(int64_t m, int64_t k);
  // Packs a [m, k] with row stride lda (reserving room if needed), split across `threads` (null: this thread);
  // remembers `a` as its source.
  void pack(int64_t m, int64_t k, const float* a, int64_t lda, ThreadPool* threads);
  // Whether this holds `a` [m, k] (row stride lda), packed from that very pointer (so a kernel re-prepared for new
  // shapes repacks).
  bool holds(const float* a, int64_t m, int64_t k, int64_t lda) const {
    return a == source_ && m == m_ && k == k_ && lda == lda_ && a != nullptr;
  }
  int64_t m() const { return m_; }
  int64_t k() const { return k_; }
  const float* data() const { return data_.get(); }

 private:
  std::unique_ptr<float[]> data_;
  int64_t size_ = 0;  // floats in data_
  int64_t m_ = 0, k_ = 0, lda_ = 0;
  const float* source_ = nullptr;  // null until packed
};

// gemm_f32 with A already packed: s.m and s.k must be a.m() and a.k() (s.lda is not read); only B is packed. Splits
// the work across threads as gemm_f32 does and sums in the same order, so the results equal gemm_f32's.
void gemm_f32_prepacked(const GemmShape& s, const GemmF32PackedA& a, const float* b, float* c, bool accumulate,
                        ThreadPool* threads);

// The A matrices of a constant tensor (a Conv's groups, a MatMul's batch of As: `count` matrices of m x k back to back)
// each packed once; nothing when the tensor is not a constant. Room is reserved at prepare and the matrices are
// packed by the first run, as the other fast kernels convert constant weights: the first run carries the one-time
// conversion, not the model's load time.
class GemmF32ConstantA {
 public:
  // When t is a constant with data, reserves one packed A per matrix (kept if already packed from t), else lets go.
  void prepare(const Tensor& t, int64_t count, int64_t m, int64_t k);
  // Packs the matrices unless they are packed already; split across `threads`.
  void pack_once(ThreadPool* threads);
  // Matrix i packed, or null when there is none (gemm_f32 below then packs it per call).
  const GemmF32PackedA* matrix(int64_t i) const {
    return i < static_cast<int64_t>(packed_.size()) ? &packed_[static_cast<size_t>(i)] : nullptr;
  }

 private:
  std::vector<GemmF32PackedA> packed_;
  const float* source_ = nullptr;  // the constant's data
  int64_t m_ = 0, k_ = 0;
};

// gemm_f32_prepacked when `packed` (may be null) holds `a`, else gemm_f32: the call for kernels whose weight may or
// may not be a constant.
void gemm_f32(const GemmShape& s, const float* a, const GemmF32PackedA* packed, const float* b, float* c,
              bool accumulate, ThreadPool* threads);

// Which micro-kernel gemm_f32 uses on this CPU ("avx2_fma_6x16" or "scalar_6x16").
const char* gemm_f32_kernel_name();

}  // namespace qedge::fast
