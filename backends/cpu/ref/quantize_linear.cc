#include "common/reduce_quant.h"

namespace qedge::ref {

namespace {

// y = saturate(round_half_even(x / scale) + zero_point), per tensor, per axis or per block.
class QuantizeLinearKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& scale = *ctx.input(1);
    const Tensor* zp = ctx.input(2);
    if (!dtype_is_float(x.dtype) || !dtype_is_float(scale.dtype)) {
      return InvalidArgument(std::string("QuantizeLinear x and y_scale must be float, got ") + dtype_name(x.dtype) +
                             " and " + dtype_name(scale.dtype));
    }
    QEDGE_RETURN_IF_ERROR(check_zero_point("QuantizeLinear", zp, scale));
    out_ = DType::kUint8;
    const int64_t out_attr = ctx.attr().get_int("output_dtype", 0);
    if (zp != nullptr) {
      out_ = zp->dtype;
      if (out_attr != 0 && out_attr != static_cast<int64_t>(zp->dtype)) {
        return InvalidModel("QuantizeLinear output_dtype " + std::to_string(out_attr) +
                            " disagrees with the zero point type " + dtype_name(zp->dtype));
      }
    } else if (out_attr != 0) {
      if (!dtype_is_valid(static_cast<int>(out_attr)) || !is_quant_dtype(static_cast<DType>(out_attr))) {
        return Unsupported("QuantizeLinear output_dtype " + std::to_string(out_attr) + " is not supported");
      }
      out_ = static_cast<DType>(out_attr);
    }
    QEDGE_RETURN_IF_ERROR(map_.init_from_attrs(ctx, "QuantizeLinear", x.shape, scale.shape));
    set_output(ctx, 0, out_, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& scale = *ctx.input(1);
    const Tensor* zp = ctx.input(2);
    void* y = ctx.output(0)->data;
    return visit_dtype<kFloatTypes>(x.dtype, "QuantizeLinear", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      const T* px = x.data_as<T>();
      map_.for_each_param<C>(x.numel(), scale, zp, [&](int64_t i, C s, int64_t z) {
        const double q = std::nearbyint(static_cast<double>(static_cast<C>(px[i]) / s));
        quant_write(out_, y, i, quant_saturate(out_, q + static_cast<double>(z)));
      });
      return Status::Ok();
    });
  }

 private:
  DType out_ = DType::kUint8;
  QuantParamMap map_;
};

}  // namespace

void register_quantize_linear(KernelRegistry& r) {
  r.add("", "QuantizeLinear", [] { return std::make_unique<QuantizeLinearKernel>(); });
}

}  // namespace qedge::ref
