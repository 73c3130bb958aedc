// What the fast MultiThreshold and Thresholds kernels share: they take float X and thresholds (other types go to the
// reference kernel), prepare as the reference does (same checks, messages and output), and count with
// ThresholdCounts; each writes its own output from the counts.
#pragma once

#include "fallback_kernel.h"
#include "kernel_support.h"
#include "thresholds/threshold_counts.h"

namespace qedge::fast {

class ThresholdKernel : public FallbackKernel {
 public:
  ThresholdKernel(const KernelRegistry& ref, const char* op) : FallbackKernel(ref, op), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* t = ctx.input(1);
    return x && t && x->dtype == DType::kFloat32 && t->dtype == DType::kFloat32;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    read_output_attrs(ctx);
    return counts_.prepare(ctx);
  }

  // The attributes of the op's output form.
  virtual void read_output_attrs(const KernelContext& ctx) = 0;

  ThresholdCounts counts_;

 private:
  const KernelRegistry& ref_;
};

}  // namespace qedge::fast
