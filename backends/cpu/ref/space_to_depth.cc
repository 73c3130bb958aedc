#include "common/shape_space_depth.h"

namespace qedge::ref {
namespace {

class SpaceToDepthKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_ASSIGN_OR_RETURN(p_.b, read_blocksize(ctx, x));
    if (x.shape[2] % p_.b != 0 || x.shape[3] % p_.b != 0) {
      return ShapeMismatch("SpaceToDepth spatial dims of input shape " + dims_to_string(x.shape) +
                           " are not divisible by blocksize " + std::to_string(p_.b));
    }
    p_.n = x.shape[0];
    p_.c = x.shape[1];
    p_.h = x.shape[2];
    p_.w = x.shape[3];
    auto depth = checked_num_elements({p_.c, p_.b, p_.b});
    if (!depth.ok()) return InvalidArgument("SpaceToDepth output channels overflow for shape " + dims_to_string(x.shape));
    const Dims out = {p_.n, *depth, p_.h / p_.b, p_.w / p_.b};
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, x.dtype, out);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    void* dst = ctx.output(0)->data;
    const void* src = ctx.input(0)->data;
    for_each_space_depth(p_, [&](int64_t space, int64_t depth) { copy_element(dst, depth, src, space, esize_); });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  SpaceDepthParams p_;  // DCR order, as SpaceToDepth defines it
};

}  // namespace

void register_space_to_depth(KernelRegistry& r) {
  r.add("", "SpaceToDepth", [] { return std::make_unique<SpaceToDepthKernel>(); });
}

}  // namespace qedge::ref
