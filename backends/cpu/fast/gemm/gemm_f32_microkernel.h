// The GEMM micro-kernel contract: a 6 x 16 tile of C from a packed 6-row panel of A (k columns, 6 floats per
// column step) and a packed 16-column panel of B (k rows of 16 floats): C_tile (+)= A_panel * B_panel.
// `c` has row stride ldc; when !accumulate the tile is overwritten.
#pragma once

#include <cstdint>

namespace qedge::fast {

constexpr int kGemmMr = 6;
constexpr int kGemmNr = 16;

using GemmMicroKernel = void (*)(int64_t k, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);

void gemm_f32_6x16_scalar(int64_t k, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);
#if defined(__x86_64__)
void gemm_f32_6x16_avx2_fma(int64_t k, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);
#endif

}  // namespace qedge::fast
