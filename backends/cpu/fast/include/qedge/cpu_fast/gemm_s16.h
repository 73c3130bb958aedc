// Exact integer GEMM for the integer ops' fast path: C[M, N] (int32) = A[M, K] * B[K, N] with int16 operands (the
// zero-point-adjusted levels of 1..8-bit tensors). Products and pair sums are exact (vpmaddwd on AVX2); the caller
// guarantees that K * max|a| * max|b| < 2^31. Same blocking and threading as gemm_f32.
#pragma once

#include <cstdint>
#include <memory>

#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {

void gemm_s16(const GemmShape& s, const int16_t* a, const int16_t* b, int32_t* c, ThreadPool* threads);

// Constant int16 weights A [m, k] packed once into the panels gemm_s16's micro-kernel reads, as GemmF32PackedA for the
// float GEMM: a layer's runs then pack only B (mobilenet_v2's QDQ layers otherwise re-pack 2 M weights per inference,
// once per column chunk).
class GemmS16PackedA {
 public:
  // Room for an m x k A, left unfilled (its pages untouched until the first pack).
  void reserve(int64_t m, int64_t k);
  // Packs a [m, k] with row stride lda (reserving room if needed).
  void pack(int64_t m, int64_t k, const int16_t* a, int64_t lda);
  int64_t m() const { return m_; }
  int64_t k() const { return k_; }
  const int16_t* data() const { return data_.get(); }

 private:
  std::unique_ptr<int16_t[]> data_;
  int64_t size_ = 0;  // elements in data_
  int64_t m_ = 0, k_ = 0;
};

// gemm_s16 with A already packed: s.m and s.k must be a.m() and a.k() (s.lda is not read); same results.
void gemm_s16_prepacked(const GemmShape& s, const GemmS16PackedA& a, const int16_t* b, int32_t* c,
                        ThreadPool* threads);

// Which micro-kernel gemm_s16 uses on this CPU ("avx2_madd_6x16" or "scalar_6x16").
const char* gemm_s16_kernel_name();

}  // namespace qedge::fast
