#include "common/shape_space_depth.h"

namespace qedge::ref {
namespace {

class DepthToSpaceKernel : public SpaceDepthKernel</*ToSpace=*/true> {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(read_space_depth_input(ctx));
    const Tensor& x = *ctx.input(0);
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
    return set_space_depth_output(ctx, x.dtype, {p_.n, p_.c, p_.h, p_.w});
  }
};

}  // namespace

void register_depth_to_space(KernelRegistry& r) {
  r.add("", "DepthToSpace", [] { return std::make_unique<DepthToSpaceKernel>(); });
}

}  // namespace qedge::ref
