// The int16 GEMM micro-kernel contract: a 6 x 16 int32 tile of C from a packed 6-row panel of A and a packed
// 16-column panel of B over kp pairs of k. A panel: for each pair, 6 rows x 2 int16 (row r's k-pair as one int32).
// B panel: for each pair, 16 columns x 2 int16 (column j's k-pair adjacent). C (row stride ldc) is overwritten or
// accumulated into. The panel packers write one whole B panel of an untransposed B from `pairs` k-pairs of rows
// (rows 2p and 2p + 1 at b + 2p * ldb and one ldb further, 16 columns each).
#pragma once

#include <cstdint>

namespace qedge::fast {

using GemmS16MicroKernel = void (*)(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc,
                                    bool accumulate);

using GemmS16PackPanel = void (*)(const int16_t* b, int64_t ldb, int64_t pairs, int16_t* out);

void gemm_s16_pack_panel_scalar(const int16_t* b, int64_t ldb, int64_t pairs, int16_t* out);
void gemm_s16_6x16_scalar(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate);
#if defined(__x86_64__)
void gemm_s16_pack_panel_avx2(const int16_t* b, int64_t ldb, int64_t pairs, int16_t* out);
void gemm_s16_6x16_avx2(int64_t kp, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate);
#endif

}  // namespace qedge::fast
