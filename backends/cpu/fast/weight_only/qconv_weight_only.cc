// Weight-only QConv (float X, integer W, float Y) as a qedge.FusedConv of the fast kernels (conv.cc: im2col + blocked
// GEMM, Winograd, depthwise or XNNPACK, as for a float Conv of that shape); see weight_only_kernel.h.
#include "weight_only_kernel.h"

namespace qedge::fast {

void register_fast_conv(KernelRegistry& r, const KernelRegistry& ref);

namespace {

class WeightOnlyQConv : public WeightOnlyOr {
 public:
  using WeightOnlyOr::WeightOnlyOr;

 protected:
  Status prepare_float(KernelContext& ctx) override {
    // The output channels of a QConv weight [M, C/group, kernel...] are along axis 0, as a Conv's.
    return layer_.prepare(ctx, "FusedConv", ctx.attr(), ctx.input(0)->shape, ctx.output(0)->shape, 0,
                          fast_kernel(register_fast_conv, "FusedConv"));
  }
};

}  // namespace

std::unique_ptr<OpKernel> weight_only_qconv_or(const KernelRegistry& ref, std::unique_ptr<OpKernel> integer) {
  return std::make_unique<WeightOnlyQConv>(ref, std::move(integer));
}

}  // namespace qedge::fast
