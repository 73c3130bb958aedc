// qedge QConv: convolution of an integer (or float32) input with integer weights, exact accumulation and
// the requantizing epilogue of common/int_linear.h. Geometry attributes as ONNX Conv (explicit pads).
// Inputs X [N, C, in...], W [M, C/group, kernel...] (natural or bit-packed).
#include "common/int_linear.h"
#include "common/nn_conv.h"

namespace qedge::ref {
namespace {

class QConvKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(check_int_linear_input(ctx));
    QEDGE_RETURN_IF_ERROR(nn_conv_prepare(ctx, DType::kFloat32, &g_, &group_));
    const Tensor& w = *ctx.input(1);
    return epilogue_.read(ctx, w.shape[0], ctx.output(0)->shape);
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    std::vector<double> xs, ws;
    read_linear_input(ctx, &xs);
    QEDGE_RETURN_IF_ERROR(read_int_weights(ctx, 0, &ws));
    const int64_t maps = w.shape[0], plane = g_.out_size();
    std::vector<double> acc(static_cast<size_t>(x.shape[0] * maps * plane));
    nn_conv_forward<double>(ctx, g_, x.shape[0], x.shape[1], maps, group_, xs.data(), ws.data(), nullptr, acc.data());
    for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i) epilogue_.store(y, i, (i / plane) % maps, acc[i]);
    return Status::Ok();
  }

 private:
  NnGeometry g_;
  int64_t group_ = 1;
  IntLinearEpilogue epilogue_;
};

}  // namespace

void register_qedge_qconv(KernelRegistry& r) {
  r.add(kQedgeDomain, "QConv", [] { return std::make_unique<QConvKernel>(); });
}

}  // namespace qedge::ref
