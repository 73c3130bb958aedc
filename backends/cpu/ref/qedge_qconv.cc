// qedge QConv: convolution of an integer (or float32) input with integer weights, exact accumulation and
// the requantizing epilogue of common/int_linear.h. Geometry attributes as ONNX Conv (explicit pads).
// Inputs X [N, C, in...], W [M, C/group, kernel...] (natural or bit-packed). With xnor=1 both are bipolar (+-1) and
// each window's dot product is a masked XNOR-popcount (padding positions are masked out: they contribute 0).
#include "common/int_linear.h"
#include "common/nn_conv.h"
#include "common/xnor.h"

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
    if (ctx.attr().get_int("xnor", 0) != 0) return run_xnor(x, w, xs, ws, y);
    const int64_t maps = w.shape[0], plane = g_.out_size();
    std::vector<double> acc(static_cast<size_t>(x.shape[0] * maps * plane));
    nn_conv_forward<double>(ctx, g_, x.shape[0], x.shape[1], maps, group_, xs.data(), ws.data(), nullptr, acc.data());
    for (int64_t i = 0; i < static_cast<int64_t>(acc.size()); ++i) epilogue_.store(y, i, (i / plane) % maps, acc[i]);
    return Status::Ok();
  }

 private:
  Status run_xnor(const Tensor& x, const Tensor& w, const std::vector<double>& xs, const std::vector<double>& ws,
                  Tensor& y) {
    const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
    const int64_t cg = channels / group_, mg = maps / group_, taps = g_.kernel_size(), k = cg * taps;
    std::vector<XnorWord> wb, check;
    QEDGE_RETURN_IF_ERROR(pack_sign_rows(ws, maps, k, k, 1, "QConv W", &wb));
    QEDGE_RETURN_IF_ERROR(pack_sign_rows(xs, 1, static_cast<int64_t>(xs.size()), 0, 1, "QConv X", &check));
    const int64_t words = xnor_words(k), in_size = g_.in_size();
    std::vector<XnorWord> xb(static_cast<size_t>(words)), mask(static_cast<size_t>(words));
    int64_t i = 0;
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t m = 0; m < maps; ++m) {
        for (int64_t o0 = 0; o0 < g_.out[0]; ++o0) {
          for (int64_t o1 = 0; o1 < g_.out[1]; ++o1) {
            for (int64_t o2 = 0; o2 < g_.out[2]; ++o2, ++i) {
              std::fill(xb.begin(), xb.end(), 0);
              std::fill(mask.begin(), mask.end(), 0);
              int64_t valid = 0, j = 0;
              for (int64_t ci = 0; ci < cg; ++ci) {
                const double* plane = xs.data() + (n * channels + (m / mg) * cg + ci) * in_size;
                for (int64_t k0 = 0; k0 < g_.kernel[0]; ++k0) {
                  for (int64_t k1 = 0; k1 < g_.kernel[1]; ++k1) {
                    for (int64_t k2 = 0; k2 < g_.kernel[2]; ++k2, ++j) {
                      const int64_t i0 = o0 * g_.stride[0] - g_.pad_begin[0] + k0 * g_.dilation[0];
                      const int64_t i1 = o1 * g_.stride[1] - g_.pad_begin[1] + k1 * g_.dilation[1];
                      const int64_t i2 = o2 * g_.stride[2] - g_.pad_begin[2] + k2 * g_.dilation[2];
                      if (i0 < 0 || i0 >= g_.in[0] || i1 < 0 || i1 >= g_.in[1] || i2 < 0 || i2 >= g_.in[2]) continue;
                      xnor_set(mask.data(), j);
                      ++valid;
                      if (plane[(i0 * g_.in[1] + i1) * g_.in[2] + i2] > 0) xnor_set(xb.data(), j);
                    }
                  }
                }
              }
              const int64_t dot = xnor_dot(xb.data(), wb.data() + m * words, mask.data(), words, valid);
              epilogue_.store(y, i, m, static_cast<double>(dot));
            }
          }
        }
      }
    }
    return Status::Ok();
  }

  NnGeometry g_;
  int64_t group_ = 1;
  IntLinearEpilogue epilogue_;
};

}  // namespace

void register_qedge_qconv(KernelRegistry& r) {
  r.add(kQedgeDomain, "QConv", [] { return std::make_unique<QConvKernel>(); });
}

}  // namespace qedge::ref
