// Winograd F(m x m, 3x3) building blocks (Lavin & Gray). With m = 4 (interpolation points 0, +-1, +-2, infinity) a 6x6
// input tile d becomes V = B^T d B, a 3x3 filter g becomes U = G g G^T and the 4x4 output tile is
// A^T (sum over channels of U . V) A: the 36 elementwise products summed over input channels are 36 GEMMs, one per
// tile position p = a*6+b, 2.25 multiplies per output and channel instead of 9. With m = 2 (points 0, +-1, infinity)
// tiles are 4x4 and 2x2: 16 GEMMs, 4 multiplies per output, but less transformed weight per tile (for tiny images).
// The transforms work on one row of tiles at a time; tile t of the flattened tile list (image, tile row, tile
// column) sits in lane t % 16 of GEMM panel block t / 16 (the micro-kernel's 16-column B panels). F(4x4) exists
// portable and with AVX2+FMA (8 tiles per step: stride-4 columns deinterleaved in registers), chosen at run time;
// F(2x2)'s transforms are portable only: it runs only on images of a few tiles, where they cost little (its GEMMs
// use the same micro-kernels).
#pragma once

#include <cstdint>

#include "gemm/gemm_f32_microkernel.h"

namespace qedge::fast {

constexpr int kWinogradLanes = kGemmNr;  // tiles per GEMM B panel block

// Where position p of tile t lives in a panel-block buffer: base[(t / 16) * block_stride + t % 16 + p * p_stride].
struct WinogradTileLayout {
  int64_t block_stride = 0;
  int64_t p_stride = 0;

  int64_t lane(int64_t t) const { return t / kWinogradLanes * block_stride + t % kWinogradLanes; }
};

// Input transform of one tile row: `tiles` (m+2)x(m+2) windows, window k starting at rows[m * k], rows `row_stride`
// apart (each row readable to 32 * ceil(tiles / 8) + 8 floats; zero padding included). Tile k is flattened tile
// t0 + k of v.
using WinogradInputRow = void (*)(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                  const WinogradTileLayout& layout);
// Output transform of one tile row of one map: reads the (m+2)^2 GEMM results of flattened tiles t0 .. t0 + tiles - 1
// from y, adds `bias` and writes the first `out_rows` (<= m) output rows, `out_cols` columns each (<= m * tiles), at
// out[i * out_stride + x].
using WinogradOutputRow = void (*)(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                   float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols);

void winograd_f43_input_row_scalar(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                   const WinogradTileLayout& layout);
void winograd_f43_output_row_scalar(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                    float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols);
#if defined(__x86_64__)
void winograd_f43_input_row_avx2_fma(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                     const WinogradTileLayout& layout);
void winograd_f43_output_row_avx2_fma(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                      float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols);
#endif

// U = G g G^T for one 3x3 filter g (row-major), computed in double: u[p] for p = a*6+b.
void winograd_f43_filter(const float* g, float* u);

void winograd_f23_input_row_scalar(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                   const WinogradTileLayout& layout);
void winograd_f23_output_row_scalar(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                    float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols);
// U = G g G^T for F(2x2, 3x3): u[p] for p = a*4+b.
void winograd_f23_filter(const float* g, float* u);

}  // namespace qedge::fast
