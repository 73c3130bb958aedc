// Winograd F(4x4, 3x3) building blocks (Lavin & Gray, interpolation points 0, +-1, +-2, infinity): a 6x6 input tile
// d becomes V = B^T d B, a 3x3 filter g becomes U = G g G^T, and the 4x4 output tile is A^T (sum over channels of
// U . V) A. The 36 elementwise products, summed over input channels, are 36 GEMMs (one per tile position p = a*6+b).
// The transforms work on kWinogradLanes tiles at once (one GEMM B panel: 16 tiles), lane-parallel so that they
// vectorize; each is built twice, portable and with AVX2+FMA, and chosen at run time.
#pragma once

#include <cstdint>

#include "gemm/gemm_f32_microkernel.h"

namespace qedge::fast {

constexpr int kWinogradLanes = kGemmNr;  // tiles per transform call = columns of one packed GEMM B panel
constexpr int kWinogradPositions = 36;   // 6x6 transformed tile

// Reads 16 zero-padded 6x6 input tiles (tile l starts at plane[base[l]], rows `row_stride` apart) and writes
// V[p] for tile l at v[p * p_stride + l].
using WinogradInputTiles = void (*)(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                    int64_t p_stride);
// Reads the 36 GEMM results of 16 tiles (position p of tile l at y[p * p_stride + l]) and writes the 4x4 output
// tiles plus `bias`: output (i, j) of tile l at out[(i * 4 + j) * 16 + l].
using WinogradOutputTiles = void (*)(const float* y, int64_t p_stride, float bias, float* out);

void winograd_f43_input_tiles_scalar(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                     int64_t p_stride);
void winograd_f43_output_tiles_scalar(const float* y, int64_t p_stride, float bias, float* out);
#if defined(__x86_64__)
void winograd_f43_input_tiles_avx2_fma(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                       int64_t p_stride);
void winograd_f43_output_tiles_avx2_fma(const float* y, int64_t p_stride, float bias, float* out);
#endif

// U = G g G^T for one 3x3 filter g (row-major), computed in double: u[p] for p = a*6+b.
void winograd_f43_filter(const float* g, float* u);

}  // namespace qedge::fast
