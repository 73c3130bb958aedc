#include "common/reduce_quant.h"

namespace qedge::ref {

namespace {

// y = (x - zero_point) * scale, per tensor, per axis or per block; y has the scale's type
// unless output_dtype says otherwise.
class DequantizeLinearKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& scale = *ctx.input(1);
    const Tensor* zp = ctx.input(2);
    if (!is_quant_dtype(x.dtype)) return unsupported_type("DequantizeLinear", x.dtype);
    if (!dtype_is_float(scale.dtype)) {
      return InvalidArgument(std::string("DequantizeLinear x_scale must be float, got ") + dtype_name(scale.dtype));
    }
    QEDGE_RETURN_IF_ERROR(check_zero_point("DequantizeLinear", zp, scale));
    if (zp != nullptr && zp->dtype != x.dtype) {
      return InvalidModel(std::string("DequantizeLinear zero point type ") + dtype_name(zp->dtype) +
                          " differs from x type " + dtype_name(x.dtype));
    }
    DType out = scale.dtype;
    const int64_t out_attr = ctx.attr().get_int("output_dtype", 0);
    if (out_attr != 0) {
      if (!dtype_is_valid(static_cast<int>(out_attr)) || !dtype_is_float(static_cast<DType>(out_attr))) {
        return Unsupported("DequantizeLinear output_dtype " + std::to_string(out_attr) + " is not supported");
      }
      out = static_cast<DType>(out_attr);
    }
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(out, "DequantizeLinear", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(map_.init_from_attrs(ctx, "DequantizeLinear", x.shape, scale.shape));
    set_output(ctx, 0, out, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& scale = *ctx.input(1);
    const Tensor* zp = ctx.input(2);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(y.dtype, "DequantizeLinear", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      T* py = y.data_as<T>();
      map_.for_each_param<C>(x.numel(), scale, zp, [&](int64_t i, C s, int64_t z) {
        py[i] = to_storage<T>(static_cast<C>(quant_read(x.dtype, x.data, i) - z) * s);
      });
      return Status::Ok();
    });
  }

 private:
  QuantParamMap map_;
};

}  // namespace

void register_dequantize_linear(KernelRegistry& r) {
  r.add("", "DequantizeLinear", [] { return std::make_unique<DequantizeLinearKernel>(); });
}

}  // namespace qedge::ref
