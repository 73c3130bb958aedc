// Float GlobalAveragePool on XNNPACK's NCW operator: [N, C, spatial...] read as [N, C, W] with W the spatial size.
#include <cmath>

#include "fallback_kernel.h"
#include "xnn_runtime.h"

namespace qedge::fast::xnn {
namespace {

class GlobalAveragePool : public FallbackKernel {
 public:
  explicit GlobalAveragePool(const KernelRegistry& ref) : FallbackKernel(ref, "GlobalAveragePool") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && x->dtype == DType::kFloat32 && x->rank() >= 3 && x->shape[1] >= 1 && x->numel() > 0 && available();
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Dims out(x.shape.size(), 1);
    out[0] = x.shape[0], out[1] = x.shape[1];
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = out;
    const auto channels = static_cast<size_t>(x.shape[1]);
    if (op_ && channels == channels_) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(ready());
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(check(xnn_create_global_average_pooling_ncw_f32(channels, -INFINITY, INFINITY, 0, &op),
                                "global average pooling"));
    op_.reset(op);
    channels_ = channels;
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t width = x.numel() / (x.shape[0] * x.shape[1]);
    QEDGE_RETURN_IF_ERROR(check(
        xnn_setup_global_average_pooling_ncw_f32(op_.get(), static_cast<size_t>(x.shape[0]), static_cast<size_t>(width),
                                                 x.data_as<float>(), ctx.output(0)->data_as<float>(), nullptr),
        "global average pooling setup"));
    return xnn::run(op_, "global average pooling");
  }

 private:
  Operator op_;
  size_t channels_ = 0;
};

}  // namespace

void register_global_average_pool(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "GlobalAveragePool", [&ref] { return std::make_unique<GlobalAveragePool>(ref); });
}

}  // namespace qedge::fast::xnn
