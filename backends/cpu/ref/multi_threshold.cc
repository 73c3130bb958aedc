// FINN MultiThreshold: Y[n, c, ...] = out_scale * #{j : X[n, c, ...] >= thresholds[c', j]} + out_bias, with
// c' = c, or 0 for global thresholds ([1, S]). The channel axis is the last one when data_layout ends in 'C'
// (NHWC, NC), else axis 1 (NCHW). out_dtype is an annotation only.
#include "common/quant_qonnx.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

struct Layout {
  int64_t channels = 1;  // size of the channel axis
  int64_t inner = 1;     // elements after the channel axis
};

Result<Layout> channel_layout(const KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const std::string layout = ctx.attr().get_string("data_layout", "NCHW");
  const bool channels_last = !layout.empty() && layout.back() == 'C';
  if (x.rank() < (channels_last ? 1 : 2)) {
    return InvalidModel("MultiThreshold input X of shape " + dims_to_string(x.shape) +
                        " has no channel axis for data_layout '" + layout + "'");
  }
  const int axis = channels_last ? x.rank() - 1 : 1;
  Layout l;
  l.channels = x.shape[axis];
  for (int d = axis + 1; d < x.rank(); ++d) l.inner *= x.shape[d];
  return l;
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& t = *ctx.input(1);
  if (x.dtype != DType::kFloat32 || t.dtype != DType::kFloat32) {
    return Unsupported(std::string("MultiThreshold needs float32 X and thresholds, got ") + dtype_name(x.dtype) +
                       " and " + dtype_name(t.dtype));
  }
  QEDGE_ASSIGN_OR_RETURN(const Layout l, channel_layout(ctx));
  if (t.rank() != 2 || (t.shape[0] != 1 && t.shape[0] != l.channels)) {
    return ShapeMismatch("MultiThreshold thresholds must be [C, S] or [1, S] with C = " + std::to_string(l.channels) +
                         " channels of X " + dims_to_string(x.shape) + ", got " + dims_to_string(t.shape));
  }
  set_output(ctx, 0, DType::kFloat32, x.shape);
  return Status::Ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const Tensor& t = *ctx.input(1);
  QEDGE_ASSIGN_OR_RETURN(const Layout l, channel_layout(ctx));
  const float out_scale = ctx.attr().get_float("out_scale", 1.0f);
  const float out_bias = ctx.attr().get_float("out_bias", 0.0f);
  const int64_t steps = t.shape[1];
  const bool global = t.shape[0] == 1;
  const float* px = x.data_as<float>();
  const float* pt = t.data_as<float>();
  float* py = ctx.output(0)->data_as<float>();
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const int64_t c = global ? 0 : (i / l.inner) % l.channels;
    const int64_t count = quant::multithreshold_count(px[i], pt + c * steps, steps);
    py[i] = out_scale * static_cast<float>(count) + out_bias;
  }
  return Status::Ok();
}

}  // namespace

void register_multi_threshold(KernelRegistry& r) {
  register_function_kernel(r, "MultiThreshold", prepare, run, kQonnxDomain);
}

}  // namespace qedge::ref
