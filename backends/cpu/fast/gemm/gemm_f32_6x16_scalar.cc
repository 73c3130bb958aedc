// Portable micro-kernel (also the reference the AVX2 one is tested against).
#include "gemm/gemm_f32_microkernel.h"

namespace qedge::fast {

void gemm_f32_6x16_scalar(int64_t k, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  float acc[kGemmMr][kGemmNr] = {};
  for (int64_t p = 0; p < k; ++p) {
    for (int i = 0; i < kGemmMr; ++i) {
      const float av = a[p * kGemmMr + i];
      for (int j = 0; j < kGemmNr; ++j) acc[i][j] += av * b[p * kGemmNr + j];
    }
  }
  for (int i = 0; i < kGemmMr; ++i) {
    for (int j = 0; j < kGemmNr; ++j) c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0.0f) + acc[i][j];
  }
}

}  // namespace qedge::fast
