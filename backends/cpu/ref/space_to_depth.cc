#include "common/shape_space_depth.h"

namespace qedge::ref {
namespace {

// p_ is in DCR order, as SpaceToDepth defines it.
class SpaceToDepthKernel : public SpaceDepthKernel</*ToSpace=*/false> {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(read_space_depth_input(ctx));
    const Tensor& x = *ctx.input(0);
    if (x.shape[2] % p_.b != 0 || x.shape[3] % p_.b != 0) {
      return ShapeMismatch("SpaceToDepth spatial dims of input shape " + dims_to_string(x.shape) +
                           " are not divisible by blocksize " + std::to_string(p_.b));
    }
    p_.n = x.shape[0];
    p_.c = x.shape[1];
    p_.h = x.shape[2];
    p_.w = x.shape[3];
    auto depth = checked_num_elements({p_.c, p_.b, p_.b});
    if (!depth.ok())
      return InvalidArgument("SpaceToDepth output channels overflow for shape " + dims_to_string(x.shape));
    return set_space_depth_output(ctx, x.dtype, {p_.n, *depth, p_.h / p_.b, p_.w / p_.b});
  }
};

}  // namespace

void register_space_to_depth(KernelRegistry& r) {
  r.add("", "SpaceToDepth", [] { return std::make_unique<SpaceToDepthKernel>(); });
}

}  // namespace qedge::ref
