// One output plane of a depthwise convolution in float32: y[o] = bias + sum over taps k of w[k] * x[o * stride - pad
// + k * dilation], taps outside the input skipped (they read the zero padding). The plane kernels serve the float Conv
// and, on exactly representable integers, the integer QConv (see depthwise_conv.h).
#pragma once

#include <cstdint>

#include "common/nn_geometry.h"

namespace qedge::fast {

struct DepthwisePlane {
  const ref::NnGeometry* g = nullptr;
  const float* x = nullptr;      // input plane, g->in_size() values
  const float* w = nullptr;      // g->kernel_size() taps
  float bias = 0.0f;
  const float* zeros = nullptr;  // g->in[2] zeros: the input row the 3x3 kernels read for rows in the padding
  float* y = nullptr;            // output plane, g->out_size() values
};

// Computes one plane with the best kernel this CPU has.
void depthwise_plane_f32(const DepthwisePlane& p);

// Portable kernel: the reference's sum order (bias, then taps in order), one output row at a time.
void depthwise_plane_f32_scalar(const DepthwisePlane& p);

#if defined(__x86_64__)
// AVX2+FMA kernel, eight outputs of a row per vector: unrolled 3x3 kernels for row strides 1 and 2, a tap loop for
// every other window; outputs whose window crosses the row's ends are computed one by one, exactly.
void depthwise_plane_f32_avx2_fma(const DepthwisePlane& p);
#endif

// Which kernel depthwise_plane_f32 uses on this CPU ("avx2_fma" or "scalar").
const char* depthwise_plane_kernel_name();

}  // namespace qedge::fast
