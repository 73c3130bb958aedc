// Portable F(4x4, 3x3) and F(2x2, 3x3) transforms, one tile at a time (the F(4x4) ones are also the reference the
// AVX2 ones are tested against; the F(2x2) ones only run on images of a few tiles, where transforms cost little),
// and the filter transforms.
#include <algorithm>

#include "winograd/winograd_kernels.h"

namespace qedge::fast {
namespace {

// out[k * out_step] = (B^T d)[k] for d[j] = in[j * in_step], F(4x4) B^T rows (4,0,-5,0,1,0) (0,-4,-4,1,1,0)
// (0,4,-4,-1,1,0) (0,-2,-1,2,1,0) (0,2,-1,-2,1,0) (0,4,0,-5,0,1).
void bt6(const float* in, int64_t in_step, float* out, int64_t out_step) {
  const float d0 = in[0], d1 = in[in_step], d2 = in[2 * in_step], d3 = in[3 * in_step], d4 = in[4 * in_step];
  const float d5 = in[5 * in_step];
  const float s12 = d4 - 4.0f * d2, s34 = d3 - 4.0f * d1, t12 = d4 - d2, t34 = 2.0f * (d3 - d1);
  out[0] = 4.0f * d0 - 5.0f * d2 + d4;
  out[out_step] = s12 + s34;
  out[2 * out_step] = s12 - s34;
  out[3 * out_step] = t12 + t34;
  out[4 * out_step] = t12 - t34;
  out[5 * out_step] = 4.0f * d1 - 5.0f * d3 + d5;
}

// out[k * out_step] = (A^T m)[k] + bias, F(4x4) A^T rows (1,1,1,1,1,0) (0,1,-1,2,-2,0) (0,1,1,4,4,0) (0,1,-1,8,-8,1).
void at6(const float* in, int64_t in_step, float bias, float* out, int64_t out_step) {
  const float m0 = in[0], m1 = in[in_step], m2 = in[2 * in_step], m3 = in[3 * in_step], m4 = in[4 * in_step];
  const float m5 = in[5 * in_step];
  const float a12 = m1 + m2, s12 = m1 - m2, a34 = m3 + m4, s34 = m3 - m4;
  out[0] = m0 + a12 + a34 + bias;
  out[out_step] = s12 + 2.0f * s34 + bias;
  out[2 * out_step] = a12 + 4.0f * a34 + bias;
  out[3 * out_step] = s12 + 8.0f * s34 + m5 + bias;
}

// F(2x2) B^T rows (1,0,-1,0) (0,1,1,0) (0,-1,1,0) (0,1,0,-1).
void bt4(const float* in, int64_t in_step, float* out, int64_t out_step) {
  const float d0 = in[0], d1 = in[in_step], d2 = in[2 * in_step], d3 = in[3 * in_step];
  out[0] = d0 - d2;
  out[out_step] = d1 + d2;
  out[2 * out_step] = d2 - d1;
  out[3 * out_step] = d1 - d3;
}

// F(2x2) A^T rows (1,1,1,0) (0,1,-1,-1).
void at4(const float* in, int64_t in_step, float bias, float* out, int64_t out_step) {
  const float m0 = in[0], m1 = in[in_step], m2 = in[2 * in_step], m3 = in[3 * in_step];
  out[0] = m0 + m1 + m2 + bias;
  out[out_step] = m1 - m2 - m3 + bias;
}

using Bt = void (*)(const float*, int64_t, float*, int64_t);
using At = void (*)(const float*, int64_t, float, float*, int64_t);

// V = B^T d B per tile: rows first, then columns straight into the tile's lane of each position.
template <int kTile, Bt kBt>
void input_row(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
               const WinogradTileLayout& layout) {
  constexpr int kWin = kTile + 2;
  for (int64_t k = 0; k < tiles; ++k) {
    float t[kWin * kWin];  // t[i * kWin + b] = (d B)(i, b)
    for (int i = 0; i < kWin; ++i) kBt(rows + i * row_stride + kTile * k, 1, t + i * kWin, 1);
    float* dst = v + layout.lane(t0 + k);
    for (int b = 0; b < kWin; ++b) kBt(t + b, kWin, dst + b * layout.p_stride, kWin * layout.p_stride);
  }
}

// A^T M A + bias per tile, clipped to the output rows and columns that exist.
template <int kTile, At kAt>
void output_row(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles, float bias, float* out,
                int64_t out_stride, int64_t out_rows, int64_t out_cols) {
  constexpr int kWin = kTile + 2;
  for (int64_t k = 0; k < tiles; ++k) {
    const float* src = y + layout.lane(t0 + k);
    float s[kWin * kTile], o[kTile * kTile];  // s[a * kTile + j] = (M A)(a, j); o[i * kTile + j] = output (i, j)
    for (int a = 0; a < kWin; ++a) kAt(src + a * kWin * layout.p_stride, layout.p_stride, 0.0f, s + a * kTile, 1);
    for (int j = 0; j < kTile; ++j) kAt(s + j, kTile, bias, o + j, kTile);
    const int64_t cols = std::min<int64_t>(kTile, out_cols - kTile * k);
    for (int64_t i = 0; i < out_rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) out[i * out_stride + kTile * k + j] = o[i * kTile + j];
    }
  }
}

// G x for three values (the filter transform's matrix G, per form), in double.
void g6(const double* x, int64_t step, double* out, int64_t out_step) {
  const double x0 = x[0], x1 = x[step], x2 = x[2 * step], even = x0 + x2;
  out[0] = x0 / 4;
  out[out_step] = -(even + x1) / 6;
  out[2 * out_step] = -(even - x1) / 6;
  out[3 * out_step] = x0 / 24 + x1 / 12 + x2 / 6;
  out[4 * out_step] = x0 / 24 - x1 / 12 + x2 / 6;
  out[5 * out_step] = x2;
}

void g4(const double* x, int64_t step, double* out, int64_t out_step) {
  const double x0 = x[0], x1 = x[step], x2 = x[2 * step];
  out[0] = x0;
  out[out_step] = (x0 + x1 + x2) / 2;
  out[2 * out_step] = (x0 - x1 + x2) / 2;
  out[3 * out_step] = x2;
}

using G = void (*)(const double*, int64_t, double*, int64_t);

// U = G g G^T, u[a * kWin + b]: G down each column of g, then along each row of the result.
template <int kWin, G kG>
void filter(const float* g, float* u) {
  double gd[9], gt[kWin * 3], ud[kWin * kWin];  // gt[a * 3 + j] = (G g)(a, j)
  for (int i = 0; i < 9; ++i) gd[i] = g[i];
  for (int j = 0; j < 3; ++j) kG(gd + j, 3, gt + j, 3);
  for (int a = 0; a < kWin; ++a) kG(gt + a * 3, 1, ud + a * kWin, 1);
  for (int i = 0; i < kWin * kWin; ++i) u[i] = static_cast<float>(ud[i]);
}

}  // namespace

void winograd_f43_input_row_scalar(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                   const WinogradTileLayout& layout) {
  input_row<4, bt6>(rows, row_stride, tiles, t0, v, layout);
}

void winograd_f43_output_row_scalar(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                    float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols) {
  output_row<4, at6>(y, layout, t0, tiles, bias, out, out_stride, out_rows, out_cols);
}

void winograd_f23_input_row_scalar(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                   const WinogradTileLayout& layout) {
  input_row<2, bt4>(rows, row_stride, tiles, t0, v, layout);
}

void winograd_f23_output_row_scalar(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                    float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols) {
  output_row<2, at4>(y, layout, t0, tiles, bias, out, out_stride, out_rows, out_cols);
}

void winograd_f43_filter(const float* g, float* u) { filter<6, g6>(g, u); }

void winograd_f23_filter(const float* g, float* u) { filter<4, g4>(g, u); }

}  // namespace qedge::fast
