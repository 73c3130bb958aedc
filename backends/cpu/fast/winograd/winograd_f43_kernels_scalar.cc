// Portable F(4x4, 3x3) transforms, one tile at a time (also the reference the AVX2 ones are tested against), and the
// filter transform.
#include <algorithm>

#include "winograd/winograd_f43_kernels.h"

namespace qedge::fast {
namespace {

// out[k * out_step] = (B^T d)[k] for d[j] = in[j * in_step], with
// B^T rows (4,0,-5,0,1,0) (0,-4,-4,1,1,0) (0,4,-4,-1,1,0) (0,-2,-1,2,1,0) (0,2,-1,-2,1,0) (0,4,0,-5,0,1).
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

// out[k * out_step] = (A^T m)[k] + bias for k < 4, A^T rows (1,1,1,1,1,0) (0,1,-1,2,-2,0) (0,1,1,4,4,0) (0,1,-1,8,-8,1).
void at6(const float* in, int64_t in_step, float bias, float* out, int64_t out_step) {
  const float m0 = in[0], m1 = in[in_step], m2 = in[2 * in_step], m3 = in[3 * in_step], m4 = in[4 * in_step];
  const float m5 = in[5 * in_step];
  const float a12 = m1 + m2, s12 = m1 - m2, a34 = m3 + m4, s34 = m3 - m4;
  out[0] = m0 + a12 + a34 + bias;
  out[out_step] = s12 + 2.0f * s34 + bias;
  out[2 * out_step] = a12 + 4.0f * a34 + bias;
  out[3 * out_step] = s12 + 8.0f * s34 + m5 + bias;
}

int64_t lane_offset(const WinogradTileLayout& layout, int64_t t) {
  return t / kWinogradLanes * layout.block_stride + t % kWinogradLanes;
}

}  // namespace

void winograd_f43_input_row_scalar(const float* rows, int64_t row_stride, int64_t tiles, int64_t t0, float* v,
                                   const WinogradTileLayout& layout) {
  for (int64_t k = 0; k < tiles; ++k) {
    float t[36];  // t[i * 6 + b] = (d B)(i, b)
    for (int i = 0; i < 6; ++i) bt6(rows + i * row_stride + 4 * k, 1, t + i * 6, 1);
    float* dst = v + lane_offset(layout, t0 + k);
    for (int b = 0; b < 6; ++b) bt6(t + b, 6, dst + b * layout.p_stride, 6 * layout.p_stride);
  }
}

void winograd_f43_output_row_scalar(const float* y, const WinogradTileLayout& layout, int64_t t0, int64_t tiles,
                                    float bias, float* out, int64_t out_stride, int64_t out_rows, int64_t out_cols) {
  for (int64_t k = 0; k < tiles; ++k) {
    const float* src = y + lane_offset(layout, t0 + k);
    float s[24], o[16];  // s[a * 4 + j] = (M A)(a, j); o[i * 4 + j] = (A^T M A)(i, j) + bias
    for (int a = 0; a < 6; ++a) at6(src + a * 6 * layout.p_stride, layout.p_stride, 0.0f, s + a * 4, 1);
    for (int j = 0; j < 4; ++j) at6(s + j, 4, bias, o + j, 4);
    const int64_t cols = std::min<int64_t>(4, out_cols - 4 * k);
    for (int64_t i = 0; i < out_rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) out[i * out_stride + 4 * k + j] = o[i * 4 + j];
    }
  }
}

void winograd_f43_filter(const float* g, float* u) {
  static const double kG[6][3] = {{1.0 / 4, 0, 0},
                                  {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                  {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                  {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                  {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                  {0, 0, 1}};
  double gt[6][3];  // G g
  for (int a = 0; a < 6; ++a) {
    for (int j = 0; j < 3; ++j) gt[a][j] = kG[a][0] * g[j] + kG[a][1] * g[3 + j] + kG[a][2] * g[6 + j];
  }
  for (int a = 0; a < 6; ++a) {
    for (int b = 0; b < 6; ++b) {
      u[a * 6 + b] = static_cast<float>(gt[a][0] * kG[b][0] + gt[a][1] * kG[b][1] + gt[a][2] * kG[b][2]);
    }
  }
}

}  // namespace qedge::fast
