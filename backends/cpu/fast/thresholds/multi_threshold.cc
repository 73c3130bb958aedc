// Fast FINN MultiThreshold (qonnx domain): Y = out_scale * count + out_bias with the reference's float operations
// (one multiply, one add, no fused multiply-add), the counts from ThresholdCounts. Checks, messages and output shape
// are the reference kernel's; X or thresholds of another type go to the reference kernel.
#include "common/quant_qonnx.h"
#include "fallback_kernel.h"
#include "thresholds/threshold_counts.h"
#include "kernel_support.h"

namespace qedge::fast {
namespace {

class FastMultiThreshold : public FallbackKernel {
 public:
  explicit FastMultiThreshold(const KernelRegistry& ref) : FallbackKernel(ref, "MultiThreshold"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* t = ctx.input(1);
    return x && t && x->dtype == DType::kFloat32 && t->dtype == DType::kFloat32;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    scale_ = ctx.attr().get_float("out_scale", 1.0f);
    bias_ = ctx.attr().get_float("out_bias", 0.0f);
    return counts_.prepare(ctx);
  }

  Status run_fast(KernelContext& ctx) override {
    float* y = ctx.output(0)->data_as<float>();
    const float scale = scale_, bias = bias_;
    counts_.run(ctx, [y, scale, bias](int64_t first, const int32_t* counts, int64_t n) {
      for (int64_t k = 0; k < n; ++k) y[first + k] = scale * static_cast<float>(counts[k]) + bias;
    });
    return Status::Ok();
  }

 private:
  const KernelRegistry& ref_;
  float scale_ = 1.0f, bias_ = 0.0f;
  ThresholdCounts counts_;
};

}  // namespace

void register_fast_multi_threshold(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQonnxDomain, "MultiThreshold", [&ref] { return std::make_unique<FastMultiThreshold>(ref); });
}

}  // namespace qedge::fast
