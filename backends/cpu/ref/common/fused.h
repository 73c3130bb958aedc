// qedge.Fused<Op> kernels: the float <Op> kernel (Conv, Gemm, MatMul), then the node's activation applied to its
// output in place. The converter's fuse_activations pass makes these nodes.
#pragma once

#include <memory>
#include <string>

#include "activation.h"
#include "int_quantize.h"

namespace qedge::ref {

class FusedKernel : public OpKernel {
 public:
  explicit FusedKernel(std::unique_ptr<OpKernel> base) : base_(std::move(base)) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(base_->prepare(ctx));
    QEDGE_ASSIGN_OR_RETURN(act_, read_activation(ctx.attr(), std::string(ctx.op_type)));
    const DType t = ctx.output(0)->dtype;
    if (!dtype_is_float(t)) {
      return Unsupported(std::string(ctx.op_type) + " applies its activation to float outputs only, got " +
                         dtype_name(t));
    }
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(base_->run(ctx));
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(y.dtype, "activation", [&](auto tag) {
      using T = typename decltype(tag)::type;
      apply_activation(act_, y.data_as<T>(), y.numel());
      return Status::Ok();
    });
  }

 private:
  std::unique_ptr<OpKernel> base_;
  Activation act_;
};

// Registers qedge.`fused_op` as the kernel of `base_op` (registered by `register_base`) plus the activation.
inline void register_fused(KernelRegistry& r, const char* fused_op, void (*register_base)(KernelRegistry&),
                           const char* base_op) {
  KernelRegistry base;
  register_base(base);
  const KernelFactory factory = *base.find("", base_op);
  r.add(kQedgeDomain, fused_op, [factory] { return std::make_unique<FusedKernel>(factory()); });
}

}  // namespace qedge::ref
