// Portable int16 micro-kernel (also the reference the AVX2 one is tested against).
#include "gemm/gemm_f32_microkernel.h"
#include "gemm/gemm_s16_microkernel.h"

namespace qedge::fast {

void gemm_s16_6x16_scalar(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate) {
  int32_t acc[kGemmMr][kGemmNr] = {};
  for (int64_t p = 0; p < kp; ++p) {
    for (int i = 0; i < kGemmMr; ++i) {
      const int32_t a0 = a[(p * kGemmMr + i) * 2], a1 = a[(p * kGemmMr + i) * 2 + 1];
      for (int j = 0; j < kGemmNr; ++j) acc[i][j] += a0 * b[(p * kGemmNr + j) * 2] + a1 * b[(p * kGemmNr + j) * 2 + 1];
    }
  }
  for (int i = 0; i < kGemmMr; ++i) {
    for (int j = 0; j < kGemmNr; ++j) c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + acc[i][j];
  }
}

}  // namespace qedge::fast
