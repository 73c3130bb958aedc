#include "common/nn_conv.h"

namespace qedge::ref {
namespace {

class ConvIntegerKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    // x's zero point is per tensor; w's may also be one per output channel.
    QEDGE_RETURN_IF_ERROR(nn_check_int8_input(ctx, 0, 2, 1));
    QEDGE_RETURN_IF_ERROR(nn_check_int8_input(ctx, 1, 3, ctx.input(1)->rank() > 0 ? ctx.input(1)->shape[0] : 1));
    return nn_conv_prepare(ctx, DType::kInt32, &g_, &group_);
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    std::vector<int32_t> xs, ws;
    nn_int8_minus_zero_point(x, ctx.input(2), 1, &xs);
    nn_int8_minus_zero_point(w, ctx.input(3), w.shape[0] > 0 ? w.numel() / w.shape[0] : 1, &ws);
    nn_conv_forward<int32_t>(ctx, g_, x.shape[0], x.shape[1], w.shape[0], group_, xs.data(), ws.data(), nullptr,
                             ctx.output(0)->data_as<int32_t>());
    return Status::Ok();
  }

 private:
  NnGeometry g_;
  int64_t group_ = 1;
};

}  // namespace

void register_conv_integer(KernelRegistry& r) {
  r.add("", "ConvInteger", [] { return std::make_unique<ConvIntegerKernel>(); });
}

}  // namespace qedge::ref
