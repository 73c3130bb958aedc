// Fast FINN MultiThreshold (qonnx domain): Y = out_scale * count + out_bias with the reference's float operations
// (one multiply, one add, no fused multiply-add) on the counts (threshold_kernel.h).
#include "common/quant_qonnx.h"
#include "thresholds/threshold_kernel.h"

namespace qedge::fast {
namespace {

class FastMultiThreshold : public ThresholdKernel {
 public:
  explicit FastMultiThreshold(const KernelRegistry& ref) : ThresholdKernel(ref, "MultiThreshold") {}

 protected:
  void read_output_attrs(const KernelContext& ctx) override {
    scale_ = ctx.attr().get_float("out_scale", 1.0f);
    bias_ = ctx.attr().get_float("out_bias", 0.0f);
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
  float scale_ = 1.0f, bias_ = 0.0f;
};

}  // namespace

void register_fast_multi_threshold(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQonnxDomain, "MultiThreshold", [&ref] { return std::make_unique<FastMultiThreshold>(ref); });
}

}  // namespace qedge::fast
