// Input rows of one output row of a depthwise plane, and the exact value of a single output: shared by the scalar and
// the AVX2 plane kernels. Internal linkage on purpose: the two kernels are compiled with different target flags, and
// one shared out-of-line copy could carry AVX2 instructions into the portable kernel.
#pragma once

#include <cstdint>

#include "depthwise_plane.h"

namespace qedge::fast {
namespace {

struct DepthwiseRow {
  const float* x;  // input row (g.in[2] values)
  const float* w;  // the g.kernel[2] taps applied to it
};

// The kernel rows of output row (o0, o1) that fall inside the input, in tap order; returns how many (at most
// kernel[0] * kernel[1]).
int64_t depthwise_rows(const DepthwisePlane& p, int64_t o0, int64_t o1, DepthwiseRow* rows) {
  const ref::NnGeometry& g = *p.g;
  int64_t n = 0;
  for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0) {
    const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
    if (i0 < 0 || i0 >= g.in[0]) continue;
    for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1) {
      const int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
      if (i1 < 0 || i1 >= g.in[1]) continue;
      rows[n++] = {p.x + (i0 * g.in[1] + i1) * g.in[2], p.w + (k0 * g.kernel[1] + k1) * g.kernel[2]};
    }
  }
  return n;
}

// Output o2 of the row whose input rows are rows[0, n): bias plus the taps that fall inside the row, in tap order.
float depthwise_point(const ref::NnGeometry& g, const DepthwiseRow* rows, int64_t n, float bias, int64_t o2) {
  float acc = bias;
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t k = 0; k < g.kernel[2]; ++k) {
      const int64_t i2 = o2 * g.stride[2] - g.pad_begin[2] + k * g.dilation[2];
      if (i2 >= 0 && i2 < g.in[2]) acc += rows[r].w[k] * rows[r].x[i2];
    }
  }
  return acc;
}

}  // namespace
}  // namespace qedge::fast
