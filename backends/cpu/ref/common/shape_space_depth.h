// DepthToSpace and SpaceToDepth move the same elements in opposite directions: one index mapping
// between the NCHW depth tensor and the NCHW space tensor serves both.
#pragma once

#include <string>

#include "shape_util.h"

namespace qedge::ref {

struct SpaceDepthParams {
  int64_t n = 0, c = 0, h = 0, w = 0;  // the *space* tensor's channels and spatial dims
  int64_t b = 0;                       // blocksize
  bool crd = false;                    // DepthToSpace "CRD" channel order (DCR otherwise)
};

// Visits each element of the space tensor with its flat offset there and in the depth tensor.
template <typename F>
void for_each_space_depth(const SpaceDepthParams& p, F&& fn) {
  const int64_t depth_c = p.c * p.b * p.b, depth_h = p.h / p.b, depth_w = p.w / p.b;
  for (int64_t n = 0; n < p.n; ++n) {
    for (int64_t c = 0; c < p.c; ++c) {
      for (int64_t y = 0; y < p.h; ++y) {
        for (int64_t x = 0; x < p.w; ++x) {
          const int64_t by = y % p.b, bx = x % p.b;
          const int64_t dc = p.crd ? (c * p.b + by) * p.b + bx : (by * p.b + bx) * p.c + c;
          const int64_t space = ((n * p.c + c) * p.h + y) * p.w + x;
          const int64_t depth = ((n * depth_c + dc) * depth_h + y / p.b) * depth_w + x / p.b;
          fn(space, depth);
        }
      }
    }
  }
}

inline Result<int64_t> read_blocksize(const KernelContext& ctx, const Tensor& x) {
  const int64_t b = ctx.attr().get_int("blocksize", 0);
  if (x.rank() != 4) return InvalidModel(op_name(ctx) + " input must be 4-D NCHW, got " + dims_to_string(x.shape));
  if (b <= 0 || b > (int64_t{1} << 20)) {
    return InvalidModel(op_name(ctx) + " blocksize " + std::to_string(b) + " must be positive");
  }
  return b;
}

}  // namespace qedge::ref
