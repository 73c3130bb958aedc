// FINN MultiThreshold: Y[n, c, ...] = out_scale * #{j : X[n, c, ...] >= thresholds[c', j]} + out_bias, with
// c' = c, or 0 for global thresholds ([1, S]); layout rules in common/thresholds.h. out_dtype is an annotation only.
#include "common/quant_qonnx.h"
#include "common/thresholds.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(threshold_layout(ctx).status());
  set_output(ctx, 0, DType::kFloat32, ctx.input(0)->shape);
  return Status::Ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  QEDGE_ASSIGN_OR_RETURN(const ThresholdLayout l, threshold_layout(ctx));
  const float out_scale = ctx.attr().get_float("out_scale", 1.0f);
  const float out_bias = ctx.attr().get_float("out_bias", 0.0f);
  const float* px = x.data_as<float>();
  float* py = ctx.output(0)->data_as<float>();
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const int64_t count = quant::multithreshold_count(px[i], thresholds_of(*ctx.input(1), l, i), l.steps);
    py[i] = out_scale * static_cast<float>(count) + out_bias;
  }
  return Status::Ok();
}

}  // namespace

void register_multi_threshold(KernelRegistry& r) {
  register_function_kernel(r, "MultiThreshold", prepare, run, kQonnxDomain);
}

}  // namespace qedge::ref
