// Exact integer GEMM for the integer ops' fast path: C[M, N] (int32) = A[M, K] * B[K, N] with int16 operands (the
// zero-point-adjusted levels of 1..8-bit tensors). Products and pair sums are exact (vpmaddwd on AVX2); the caller
// guarantees that K * max|a| * max|b| < 2^31. Same blocking and threading as gemm_f32.
#pragma once

#include <cstdint>

#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::fast {

void gemm_s16(const GemmShape& s, const int16_t* a, const int16_t* b, int32_t* c, ThreadPool* threads);

// Which micro-kernel gemm_s16 uses on this CPU ("avx2_madd_6x16" or "scalar_6x16").
const char* gemm_s16_kernel_name();

}  // namespace qedge::fast
