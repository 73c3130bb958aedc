// Input rows of one output row of a depthwise plane: shared by the scalar and the AVX2 plane kernels. Internal
// linkage on purpose: the two kernels are compiled with different target flags, and one shared out-of-line copy
// could carry AVX2 instructions into the portable kernel.
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

}  // namespace
}  // namespace qedge::fast
