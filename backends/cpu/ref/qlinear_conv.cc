#include <vector>

#include "common/reduce_quant.h"

namespace qedge::ref {

namespace {

// Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (int32).
// Integer convolution of (x - zx) with (w - zw), plus B, rescaled by x_scale * w_scale / y_scale
// (computed in float, per output channel when w_scale is) and offset by y_zero_point.
class QLinearConvKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 8));
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(3);
    for (int i : {0, 2, 3, 5, 7}) {
      const DType t = ctx.input(i)->dtype;
      if (t != DType::kInt8 && t != DType::kUint8) return unsupported_type("QLinearConv", t);
    }
    for (int i : {1, 4, 6}) {
      if (ctx.input(i)->dtype != DType::kFloat32) return unsupported_type("QLinearConv", ctx.input(i)->dtype);
    }
    const int s = x.rank() - 2;
    if (s < 1 || w.rank() != x.rank()) {
      return ShapeMismatch("QLinearConv needs x [N,C,...] and w [M,C/group,...] of equal rank, got " +
                           dims_to_string(x.shape) + " and " + dims_to_string(w.shape));
    }
    const AttrMap& a = ctx.attr();
    group_ = a.get_int("group", 1);
    const int64_t m = w.shape[0];
    if (group_ <= 0 || x.shape[1] % group_ != 0 || m % group_ != 0 || w.shape[1] != x.shape[1] / group_) {
      return ShapeMismatch("QLinearConv channels of x " + dims_to_string(x.shape) + " and w " +
                           dims_to_string(w.shape) + " do not fit group " + std::to_string(group_));
    }
    for (int i : {4, 5}) {
      const int64_t n = ctx.input(i)->numel();
      if (n != 1 && n != m) return ShapeMismatch("QLinearConv w_scale/w_zero_point must hold 1 or M values");
    }
    const Tensor* bias = ctx.input(8);
    if (bias != nullptr && (bias->dtype != DType::kInt32 || bias->numel() != m)) {
      return InvalidArgument("QLinearConv B must be int32 with one value per output channel");
    }
    strides_ = a.get_ints("strides", std::vector<int64_t>(s, 1));
    dilations_ = a.get_ints("dilations", std::vector<int64_t>(s, 1));
    pads_ = a.get_ints("pads", std::vector<int64_t>(2 * s, 0));
    if (static_cast<int>(strides_.size()) != s || static_cast<int>(dilations_.size()) != s ||
        static_cast<int>(pads_.size()) != 2 * s) {
      return InvalidArgument("QLinearConv strides/dilations/pads do not match " + std::to_string(s) + " spatial dims");
    }
    const std::string auto_pad = a.get_string("auto_pad", "NOTSET");
    Dims out = {x.shape[0], m};
    for (int d = 0; d < s; ++d) {
      const int64_t in = x.shape[d + 2], k = w.shape[d + 2];
      if (strides_[d] <= 0 || dilations_[d] <= 0 || pads_[d] < 0 || pads_[d + s] < 0) {
        return InvalidArgument("QLinearConv strides and dilations must be positive, pads non-negative");
      }
      const int64_t span = dilations_[d] * (k - 1) + 1;
      if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        const int64_t o = (in + strides_[d] - 1) / strides_[d];
        const int64_t total = std::max<int64_t>(0, (o - 1) * strides_[d] + span - in);
        pads_[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads_[d + s] = total - pads_[d];
      } else if (auto_pad == "VALID") {
        pads_[d] = pads_[d + s] = 0;
      } else if (auto_pad != "NOTSET") {
        return InvalidArgument("QLinearConv auto_pad '" + auto_pad + "' is not supported");
      }
      const int64_t padded = in + pads_[d] + pads_[d + s];
      if (padded < span) {
        return ShapeMismatch("QLinearConv kernel " + dims_to_string(w.shape) + " is larger than padded input " +
                             dims_to_string(x.shape));
      }
      out.push_back((padded - span) / strides_[d] + 1);
    }
    set_output(ctx, 0, ctx.input(7)->dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(3);
    const Tensor& wz = *ctx.input(5);
    const Tensor* bias = ctx.input(8);
    Tensor& y = *ctx.output(0);
    const int s = x.rank() - 2;
    const int64_t m = w.shape[0], cg = w.shape[1], mg = m / group_;
    const Dims in_sp(x.shape.begin() + 2, x.shape.end()), k_sp(w.shape.begin() + 2, w.shape.end()),
        out_sp(y.shape.begin() + 2, y.shape.end());
    const int64_t in_n = num_elements(in_sp), k_n = num_elements(k_sp), out_n = num_elements(out_sp);
    const int64_t zx = quant_read(ctx.input(2)->dtype, ctx.input(2)->data, 0);
    const float x_scale = *ctx.input(1)->data_as<float>();
    const float y_scale = *ctx.input(6)->data_as<float>();
    const double zy = static_cast<double>(quant_read(ctx.input(7)->dtype, ctx.input(7)->data, 0));
    std::vector<int64_t> opos(s), kpos(s);
    for (int64_t n = 0; n < x.shape[0]; ++n) {
      for (int64_t oc = 0; oc < m; ++oc) {
        const int64_t g = oc / mg;
        const int64_t p = wz.numel() == 1 ? 0 : oc;
        const int64_t zw = quant_read(wz.dtype, wz.data, p);
        const float factor = x_scale * ctx.input(4)->data_as<float>()[p] / y_scale;
        for (int64_t o = 0; o < out_n; ++o) {
          int64_t r = o;
          for (int d = s - 1; d >= 0; --d) {
            opos[d] = r % out_sp[d];
            r /= out_sp[d];
          }
          int64_t acc = bias != nullptr ? bias->data_as<int32_t>()[oc] : 0;
          for (int64_t c = 0; c < cg; ++c) {
            const int64_t ic = g * cg + c;
            for (int64_t k = 0; k < k_n; ++k) {
              int64_t kr = k, off = 0;
              bool inside = true;
              for (int d = s - 1; d >= 0; --d) {
                kpos[d] = kr % k_sp[d];
                kr /= k_sp[d];
              }
              for (int d = 0; d < s && inside; ++d) {
                const int64_t i = opos[d] * strides_[d] - pads_[d] + kpos[d] * dilations_[d];
                inside = i >= 0 && i < in_sp[d];
                off = off * in_sp[d] + i;
              }
              if (!inside) continue;  // padding holds the zero point, which contributes nothing
              const int64_t xv = quant_read(x.dtype, x.data, (n * x.shape[1] + ic) * in_n + off) - zx;
              const int64_t wv = quant_read(w.dtype, w.data, (oc * cg + c) * k_n + k) - zw;
              acc += xv * wv;
            }
          }
          // numpy promotes the int32 sum times the float32 factor to float64.
          const double v = static_cast<double>(acc) * static_cast<double>(factor) + zy;
          quant_write(y.dtype, y.data, (n * m + oc) * out_n + o, quant_saturate(y.dtype, v));
        }
      }
    }
    return Status::Ok();
  }

 private:
  int64_t group_ = 1;
  std::vector<int64_t> strides_, dilations_, pads_;
};

}  // namespace

void register_qlinear_conv(KernelRegistry& r) {
  r.add("", "QLinearConv", [] { return std::make_unique<QLinearConvKernel>(); });
}

}  // namespace qedge::ref
