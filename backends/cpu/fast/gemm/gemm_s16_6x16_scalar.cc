// Portable int16 micro-kernel and B panel packer (also the references the AVX2 ones are tested against).
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

void gemm_s16_pack_panel_scalar(const int16_t* b, int64_t ldb, int64_t pairs, int16_t* out) {
  for (int64_t p = 0; p < pairs; ++p) {
    const int16_t* r0 = b + 2 * p * ldb;
    const int16_t* r1 = r0 + ldb;
    for (int64_t q = 0; q < kGemmNr; ++q) {
      *out++ = r0[q];
      *out++ = r1[q];
    }
  }
}

}  // namespace qedge::fast
