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
  float* scratch = nullptr;      // depthwise_scratch_size(*g) floats
  float* y = nullptr;            // output plane, g->out_size() values
};

// Computes one plane with the best kernel this CPU has.
void depthwise_plane_f32(const DepthwisePlane& p);

// Floats of scratch depthwise_plane_f32 needs for windows of geometry g.
int64_t depthwise_scratch_size(const ref::NnGeometry& g);

// True for the windows of the unrolled 3x3 kernels: 2-D 3x3 (or 1x3x3), no dilation, strides 1 or 2.
bool depthwise_3x3(const ref::NnGeometry& g);

// Rows and columns of the zero-padded input slice the 3x3 kernels read: every input position of the windows of all
// outputs, the output rows rounded up to whole eight-lane blocks.
void depthwise_3x3_padded_dims(const ref::NnGeometry& g, int64_t* rows, int64_t* cols);

// Portable kernel: the reference's sum order (bias, then taps in order), one output row at a time.
void depthwise_plane_f32_scalar(const DepthwisePlane& p);

#if defined(__x86_64__)
// AVX2+FMA kernel, eight outputs of a row per vector: unrolled 3x3 kernels (strides 1 and 2) on a zero-padded copy
// of the input in scratch, a tap loop for every other window, whose outputs near the row's ends (windows crossing
// them) are computed one by one.
void depthwise_plane_f32_avx2_fma(const DepthwisePlane& p);
#endif

// Which kernel depthwise_plane_f32 uses on this CPU ("avx2_fma" or "scalar").
const char* depthwise_plane_kernel_name();

}  // namespace qedge::fast
