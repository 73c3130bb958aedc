// Exact integer Winograd F(2x2, 3x3) building blocks (Lavin & Gray, points 0, +-1, infinity), all in integers:
//   input tile  V = B^T d B      d: 4x4 window of x - x_zero_point (0 in the padding); B^T's entries are 0/+-1,
//                                so |V| <= 4 max|d| (int16 for 8-bit activations)
//   filter      U' = (2G) g (2G)^T = 4 G g G^T, integer (2G has entries 0, +-1, 2), |U'| <= 9 max|g|
//   output tile Y = A^T (sum over channels of U' . V) A = 4x the 2x2 integer convolution outputs, divided by 4
// The channel sums are 16 int16 GEMMs (one per position p = 4 * row + column) on vpmaddwd. Sums are taken modulo
// 2^32 (wrapping vpaddd, uint32 in the portable code): the true result 4 * conv fits int32 (the caller checks), so
// the wrapped result equals it even where a partial sum of the GEMM or the output transform would not fit.
// Layouts, per block of tiles: V[p][tile][channel] (int16, channels a multiple of 16), M[p][tile][map] (int32, maps a
// multiple of 16), U'[p][map panel of 16][channel pair][16 maps][2 channels] (the int16 GEMM's B panels).
#pragma once

#include <cstdint>

namespace qedge::fast {

constexpr int kWinoIntPositions = 16;  // 4x4 transformed tile
constexpr int kWinoIntMr = 4;          // tiles per GEMM row panel
constexpr int kWinoIntNr = 16;         // maps per GEMM column panel
constexpr int kWinoIntLanes = 16;      // channels per input-transform step

// V of one tile: window element (i, j, c) at d[i * row_stride + j * channels + c]; writes v[p * p_stride + c].
// `channels` is a multiple of kWinoIntLanes.
using WinoIntInputTile = void (*)(const int16_t* d, int64_t row_stride, int64_t channels, int16_t* v,
                                  int64_t p_stride);
// C[4 tiles][16 maps] = sum over kp channel pairs of A x B: A row r (one tile) at a + r * lda (int16, a pair is one
// int32), B one packed U' panel. Overwrites C (row stride ldc).
using WinoIntGemm = void (*)(int64_t kp, const int16_t* a, int64_t lda, const int16_t* b, int32_t* c, int64_t ldc);
// The 2x2 outputs of one tile for `maps` maps (a multiple of 8) from m[p * p_stride + map]: out[q * maps + map] for
// output q = 2 * row + column, already divided by 4.
using WinoIntOutputTile = void (*)(const int32_t* m, int64_t p_stride, int64_t maps, int32_t* out);

void winograd_int_input_tile_scalar(const int16_t* d, int64_t row_stride, int64_t channels, int16_t* v,
                                    int64_t p_stride);
void winograd_int_gemm_4x16_scalar(int64_t kp, const int16_t* a, int64_t lda, const int16_t* b, int32_t* c,
                                   int64_t ldc);
void winograd_int_output_tile_scalar(const int32_t* m, int64_t p_stride, int64_t maps, int32_t* out);
#if defined(__x86_64__)
void winograd_int_input_tile_avx2(const int16_t* d, int64_t row_stride, int64_t channels, int16_t* v,
                                  int64_t p_stride);
void winograd_int_gemm_4x16_avx2(int64_t kp, const int16_t* a, int64_t lda, const int16_t* b, int32_t* c,
                                 int64_t ldc);
void winograd_int_output_tile_avx2(const int32_t* m, int64_t p_stride, int64_t maps, int32_t* out);
#endif

// U' of one 3x3 filter g (row-major): u[p] for position p.
void winograd_int_filter(const int16_t* g, int32_t* u);

}  // namespace qedge::fast
