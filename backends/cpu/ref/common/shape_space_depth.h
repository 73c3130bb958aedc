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

// The kernel body both operators share: prepare fills p_ and calls set_space_depth_output; run moves
// each element from the depth tensor to the space tensor (ToSpace) or back.
template <bool ToSpace>
class SpaceDepthKernel : public OpKernel {
 public:
  Status run(KernelContext& ctx) override {
    void* dst = ctx.output(0)->data;
    const void* src = ctx.input(0)->data;
    for_each_space_depth(p_, [&](int64_t space, int64_t depth) {
      if constexpr (ToSpace) {
        copy_element(dst, space, src, depth, esize_);
      } else {
        copy_element(dst, depth, src, space, esize_);
      }
    });
    return Status::Ok();
  }

 protected:
  // Checks the one input and reads its element size and the blocksize.
  Status read_space_depth_input(KernelContext& ctx) {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_ASSIGN_OR_RETURN(p_.b, read_blocksize(ctx, x));
    return Status::Ok();
  }

  Status set_space_depth_output(KernelContext& ctx, DType t, const Dims& out) {
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, t, out);
    return Status::Ok();
  }

  size_t esize_ = 0;
  SpaceDepthParams p_;
};

}  // namespace qedge::ref
