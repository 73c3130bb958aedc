// Portable depthwise plane: per output row, the row starts as the bias and each tap adds w * x over the outputs whose
// input lies inside the row (the reference kernel's order, so float results match it closely). Unit-stride taps are
// plain loops the compiler vectorizes for the baseline instruction set.
#include <algorithm>
#include <vector>

#include "depthwise_plane.h"
#include "depthwise_rows.h"

namespace qedge::fast {

void depthwise_plane_f32_scalar(const DepthwisePlane& p) {
  const ref::NnGeometry& g = *p.g;
  const int64_t ow = g.out[2], s = g.stride[2];
  // Per thread and only growing: this runs once per (image, map) plane, and a run should not allocate.
  thread_local std::vector<DepthwiseRow> rows;
  rows.resize(std::max(rows.size(), static_cast<size_t>(g.kernel[0] * g.kernel[1])));
  for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      float* y = p.y + (o0 * g.out[1] + o1) * ow;
      std::fill(y, y + ow, p.bias);
      const int64_t n = depthwise_rows(p, o0, o1, rows.data());
      for (int64_t r = 0; r < n; ++r) {
        for (int64_t k = 0; k < g.kernel[2]; ++k) {
          const int64_t off = k * g.dilation[2] - g.pad_begin[2];
          int64_t lo, hi;
          ref::nn_valid_range(off, s, g.in[2], ow, &lo, &hi);
          const float wk = rows[r].w[k];
          const float* x = rows[r].x;
          if (s == 1) {
            for (int64_t o = lo; o < hi; ++o) y[o] += wk * x[o + off];
          } else {
            for (int64_t o = lo; o < hi; ++o) y[o] += wk * x[o * s + off];
          }
        }
      }
    }
  }
}

}  // namespace qedge::fast
