// The F(4x4, 3x3) input and output transforms written over kWinogradLanes tiles, every inner loop running across the
// lanes so that the compiler vectorizes it for whatever the including file is compiled for. Included only by
// winograd_f43_kernels_scalar.cc and winograd_f43_kernels_avx2_fma.cc; internal linkage keeps the two builds apart.
#pragma once

#include "winograd/winograd_f43_kernels.h"

namespace qedge::fast {
namespace {

constexpr int kL = kWinogradLanes;

// out[k] = (B^T d)[k] for the six lane vectors d[0..5] (in_step apart), written out_step apart.
// B^T rows: (4,0,-5,0,1,0) (0,-4,-4,1,1,0) (0,4,-4,-1,1,0) (0,-2,-1,2,1,0) (0,2,-1,-2,1,0) (0,4,0,-5,0,1).
inline void winograd_bt6(const float* __restrict in, int64_t in_step, float* __restrict out, int64_t out_step) {
  for (int l = 0; l < kL; ++l) {
    const float d0 = in[l], d1 = in[in_step + l], d2 = in[2 * in_step + l], d3 = in[3 * in_step + l];
    const float d4 = in[4 * in_step + l], d5 = in[5 * in_step + l];
    const float s12 = d4 - 4.0f * d2, s34 = d3 - 4.0f * d1, t12 = d4 - d2, t34 = 2.0f * (d3 - d1);
    out[l] = 4.0f * d0 - 5.0f * d2 + d4;
    out[out_step + l] = s12 + s34;
    out[2 * out_step + l] = s12 - s34;
    out[3 * out_step + l] = t12 + t34;
    out[4 * out_step + l] = t12 - t34;
    out[5 * out_step + l] = 4.0f * d1 - 5.0f * d3 + d5;
  }
}

// out[k] = (A^T m)[k] for k < 4 (+ bias), A^T rows: (1,1,1,1,1,0) (0,1,-1,2,-2,0) (0,1,1,4,4,0) (0,1,-1,8,-8,1).
inline void winograd_at6(const float* __restrict in, int64_t in_step, float bias, float* __restrict out,
                         int64_t out_step) {
  for (int l = 0; l < kL; ++l) {
    const float m0 = in[l], m1 = in[in_step + l], m2 = in[2 * in_step + l], m3 = in[3 * in_step + l];
    const float m4 = in[4 * in_step + l], m5 = in[5 * in_step + l];
    const float a12 = m1 + m2, s12 = m1 - m2, a34 = m3 + m4, s34 = m3 - m4;
    out[l] = m0 + a12 + a34 + bias;
    out[out_step + l] = s12 + 2.0f * s34 + bias;
    out[2 * out_step + l] = a12 + 4.0f * a34 + bias;
    out[3 * out_step + l] = s12 + 8.0f * s34 + m5 + bias;
  }
}

inline void winograd_input_tiles(const float* plane, const int64_t* base, int64_t row_stride, float* v,
                                 int64_t p_stride) {
  alignas(32) float d[kWinogradPositions * kL];  // d[(i*6 + j) * kL + l]: element (i, j) of tile l
  alignas(32) float t[kWinogradPositions * kL];  // t[(i*6 + b) * kL + l] = (d B)(i, b)
  for (int l = 0; l < kL; ++l) {
    const float* tile = plane + base[l];
    for (int i = 0; i < 6; ++i) {
      for (int j = 0; j < 6; ++j) d[(i * 6 + j) * kL + l] = tile[i * row_stride + j];
    }
  }
  for (int i = 0; i < 6; ++i) winograd_bt6(d + i * 6 * kL, kL, t + i * 6 * kL, kL);
  for (int b = 0; b < 6; ++b) winograd_bt6(t + b * kL, 6 * kL, v + b * p_stride, 6 * p_stride);
}

inline void winograd_output_tiles(const float* y, int64_t p_stride, float bias, float* out) {
  alignas(32) float s[6 * 4 * kL];  // s[(a*4 + j) * kL + l] = (M A)(a, j)
  for (int a = 0; a < 6; ++a) winograd_at6(y + a * 6 * p_stride, p_stride, 0.0f, s + a * 4 * kL, kL);
  for (int j = 0; j < 4; ++j) winograd_at6(s + j * kL, 4 * kL, bias, out + j * kL, 4 * kL);
}

}  // namespace
}  // namespace qedge::fast
