// One output row of a channels-last 3x3 depthwise convolution in float32 (qedge.NhwcConv with group == channels ==
// maps, dilation 1): y[ox][c] = clamp(bias[c] + sum over taps (ky, kx) of w[ky * 3 + kx][c] *
// x[ky][(ox * stride - pad_left + kx) * C + c], lo, hi), taps left or right of the row skipped. Rows above or below
// the image are passed as a zero row, so the kernel never tests rows.
#pragma once

#include <cstdint>

namespace qedge::fast {

struct DepthwiseNhwcRow {
  const float* rows[3] = {nullptr, nullptr, nullptr};  // the input rows of the three taps, in_w * channels each
  int64_t in_w = 0, channels = 0, stride = 1, pad_left = 0, out_w = 0;
  const float* w = nullptr;     // [9][channels] taps, tap-major
  const float* bias = nullptr;  // [channels]
  // Output bounds: Relu is lo = 0, hi = inf with relu set (NaN and -0 become +0, as Relu's x > 0 ? x : 0); otherwise
  // values below lo become lo and above hi become hi, NaN passing (Clip with lo < hi; -inf, inf for no activation).
  float lo = 0.0f, hi = 0.0f;
  bool relu = false;
  float* y = nullptr;  // out_w * channels values
};

#if defined(__x86_64__)
// AVX2+FMA: eight channels per vector with their nine taps in registers, the row's interior windows six at a time,
// the windows that cross the row's ends one by one with their taps tested. Needs cpu_features().avx2_fma.
void depthwise_3x3_nhwc_row_f32_avx2_fma(const DepthwiseNhwcRow& r);
#endif

}  // namespace qedge::fast
