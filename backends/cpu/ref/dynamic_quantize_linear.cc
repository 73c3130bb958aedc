#include <algorithm>

#include "common/reduce_quant.h"

namespace qedge::ref {

namespace {

// uint8 quantization with scale and zero point chosen so that [min(0, x), max(0, x)] maps onto
// [0, 255]; arithmetic in float as the ONNX definition does.
Status prepare_dynamic_quantize(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  if (x.dtype != DType::kFloat32) return unsupported_type("DynamicQuantizeLinear", x.dtype);
  set_output(ctx, 0, DType::kUint8, x.shape);
  set_output(ctx, 1, DType::kFloat32, {});
  set_output(ctx, 2, DType::kUint8, {});
  return Status::Ok();
}

Status run_dynamic_quantize(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const float* px = x.data_as<float>();
  float lo = 0.0f;
  float hi = 0.0f;
  for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) {
    lo = std::min(lo, px[i]);
    hi = std::max(hi, px[i]);
  }
  const float scale = (hi - lo) / 255.0f;
  // An all-zero input gives scale 0; everything then quantizes to zero point 0.
  const int64_t zp = scale == 0.0f ? 0 : quant_saturate(DType::kUint8, 0.0f - lo / scale);
  uint8_t* y = ctx.output(0)->data_as<uint8_t>();
  for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) {
    y[i] = scale == 0.0f ? 0
                         : static_cast<uint8_t>(
                               quant_saturate(DType::kUint8, std::nearbyint(px[i] / scale) + static_cast<double>(zp)));
  }
  *ctx.output(1)->data_as<float>() = scale;
  *ctx.output(2)->data_as<uint8_t>() = static_cast<uint8_t>(zp);
  return Status::Ok();
}

}  // namespace

void register_dynamic_quantize_linear(KernelRegistry& r) {
  register_function_kernel(r, "DynamicQuantizeLinear", prepare_dynamic_quantize, run_dynamic_quantize);
}

}  // namespace qedge::ref
