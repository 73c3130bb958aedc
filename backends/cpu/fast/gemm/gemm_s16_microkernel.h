// The int16 GEMM micro-kernel contract: a 6 x 16 int32 tile of C from a packed 6-row panel of A and a packed
// 16-column panel of B over kp pairs of k. A panel: for each pair, 6 rows x 2 int16 (row r's k-pair as one int32).
// B panel: for each pair, 16 columns x 2 int16 (column j's k-pair adjacent). C (row stride ldc) is overwritten or
// accumulated into.
#pragma once

#include <cstdint>

namespace qedge::fast {

using GemmS16MicroKernel = void (*)(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc,
                                    bool accumulate);

void gemm_s16_6x16_scalar(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate);
#if defined(__x86_64__)
void gemm_s16_6x16_avx2(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate);
#endif

}  // namespace qedge::fast
