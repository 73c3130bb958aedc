#include "common/shape_space_depth.h"

namespace qedge::ref {
namespace {

class DepthToSpaceKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_ASSIGN_OR_RETURN(p_.b, read_blocksize(ctx, x));
    const std::string mode = ctx.attr().get_string("mode", "DCR");
    if (mode != "DCR" && mode != "CRD") return InvalidModel("DepthToSpace mode '" + mode + "' is not DCR or CRD");
    p_.crd = mode == "CRD";
    if (x.shape[1] % (p_.b * p_.b) != 0) {
      return ShapeMismatch("DepthToSpace channels of input shape " + dims_to_string(x.shape) +
                           " are not divisible by blocksize^2 = " + std::to_string(p_.b * p_.b));
    }
    p_.n = x.shape[0];
    p_.c = x.shape[1] / (p_.b * p_.b);
    p_.h = x.shape[2] * p_.b;
    p_.w = x.shape[3] * p_.b;
    const Dims out = {p_.n, p_.c, p_.h, p_.w};
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, x.dtype, out);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    void* dst = ctx.output(0)->data;
    const void* src = ctx.input(0)->data;
    for_each_space_depth(p_, [&](int64_t space, int64_t depth) { copy_element(dst, space, src, depth, esize_); });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  SpaceDepthParams p_;
};

}  // namespace

void register_depth_to_space(KernelRegistry& r) {
  r.add("", "DepthToSpace", [] { return std::make_unique<DepthToSpaceKernel>(); });
}

}  // namespace qedge::ref
