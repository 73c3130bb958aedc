// QONNX FloatQuant: minifloat fake-quantization. Inputs X, scale, exponent_bitwidth, mantissa_bitwidth,
// exponent_bias (optional: 2^(E-1) - 1) and max_val (optional: the format's largest normal value).
// Attributes rounding_mode (default ROUND), has_inf, has_nan, saturation (default 1); has_subnormal is
// informative (subnormals are always representable here, as in qonnx).
#include "common/quant_qonnx.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

constexpr std::array<int, 1> kParams{1};

Result<quant::FloatQuantParams> float_quant_params(const KernelContext& ctx) {
  quant::FloatQuantParams p;
  QEDGE_ASSIGN_OR_RETURN(const int exponent_bits, read_whole_scalar(ctx, 2, "exponent_bitwidth", 1, 8));
  QEDGE_ASSIGN_OR_RETURN(const int mantissa_bits, read_whole_scalar(ctx, 3, "mantissa_bitwidth", 0, 23));
  p.exponent_bits = static_cast<float>(exponent_bits);
  p.mantissa_bits = static_cast<float>(mantissa_bits);
  p.exponent_bias = quant::default_exponent_bias(p.exponent_bits);
  if (ctx.input(4) != nullptr) {
    QEDGE_ASSIGN_OR_RETURN(double bias, read_qonnx_scalar(ctx, 4, "exponent_bias"));
    p.exponent_bias = static_cast<float>(bias);
  }
  if (ctx.input(5) != nullptr) {
    QEDGE_ASSIGN_OR_RETURN(double max_val, read_qonnx_scalar(ctx, 5, "max_val"));
    p.max_val = static_cast<float>(max_val);
    p.has_max_val = true;
  }
  QEDGE_ASSIGN_OR_RETURN(p.mode, rounding_mode_attr(ctx));
  p.has_inf = ctx.attr().get_int("has_inf", 0) != 0;
  p.has_nan = ctx.attr().get_int("has_nan", 0) != 0;
  p.saturation = ctx.attr().get_int("saturation", 1) != 0;
  return p;
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(prepare_qonnx_elementwise<1>(ctx, kParams, {"scale"}));
  return float_quant_params(ctx).status();
}

Status run(KernelContext& ctx) {
  QEDGE_ASSIGN_OR_RETURN(const quant::FloatQuantParams p, float_quant_params(ctx));
  run_qonnx_elementwise<1>(ctx, kParams,
                           [&](const std::array<float, 2>& v) { return quant::float_quant_value(v[0], v[1], p); });
  return Status::Ok();
}

}  // namespace

void register_float_quant(KernelRegistry& r) {
  register_function_kernel(r, "FloatQuant", prepare, run, kQonnxDomain);
}

}  // namespace qedge::ref
