// Base of the fast quantizers (qedge Quantize, ONNX QuantizeLinear): a subclass reads its op's parameters into one
// per-tensor QuantizeSpec in read_spec; the levels of the float input are then computed by quantize_run (vectorized,
// split across threads, bit-identical to the reference).
#pragma once

#include "fallback_kernel.h"
#include "requant.h"

namespace qedge::fast {

class PerTensorQuantize : public FallbackKernel {
 public:
  using FallbackKernel::FallbackKernel;

 protected:
  virtual Status read_spec(KernelContext& ctx, ref::QuantizeSpec* spec) = 0;

  Status prepare_fast(KernelContext& ctx) final {
    QEDGE_RETURN_IF_ERROR(read_spec(ctx, &spec_));
    ctx.output(0)->dtype = spec_.to;
    ctx.output(0)->shape = ctx.input(0)->shape;
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) final {
    quantize_run(ctx, spec_, *ctx.input(0), *ctx.output(0));
    return Status::Ok();
  }

 private:
  ref::QuantizeSpec spec_;
};

}  // namespace qedge::fast
