// Single-precision GEMM for the fast CPU kernels: C[M, N] = A[M, K] * B[K, N] (+ C when accumulate), row-major
// with leading dimensions. Blocked and packed (BLIS-style loops around a register-tiled micro-kernel); the
// micro-kernel is AVX2+FMA where the CPU has it (gemm_f32_avx2.cc), portable C++ otherwise.
#pragma once

#include <cstdint>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  bool trans_b = false;  // B is stored as [N, K] (element (p, j) at b[j * ldb + p])
};

// Splits the rows or the columns of C across `threads` (null: one thread); gemm_blocking.h says which.
void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c, bool accumulate, ThreadPool* threads);

// Which micro-kernel gemm_f32 uses on this CPU ("avx2_fma_6x16" or "scalar_6x16").
const char* gemm_f32_kernel_name();

}  // namespace qedge::fast
