// The channel layout and threshold checks shared by FINN MultiThreshold and qedge Thresholds: thresholds are
// [C, S] (per channel) or [1, S] (global); the channel axis is the last one when data_layout ends in 'C'
// (NHWC, NC), else axis 1 (NCHW).
#pragma once

#include <string>

#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

struct ThresholdLayout {
  int64_t channels = 1;  // size of the channel axis
  int64_t inner = 1;     // elements after the channel axis
  int64_t steps = 0;     // thresholds per channel
  bool global = false;   // one row of thresholds for every channel
};

inline Result<ThresholdLayout> threshold_layout(const KernelContext& ctx) {
  const std::string op(ctx.op_type);
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& t = *ctx.input(1);
  if (x.dtype != DType::kFloat32 || t.dtype != DType::kFloat32) {
    return Unsupported(op + " needs float32 X and thresholds, got " + dtype_name(x.dtype) + " and " + dtype_name(t.dtype));
  }
  const std::string layout = ctx.attr().get_string("data_layout", "NCHW");
  const bool channels_last = !layout.empty() && layout.back() == 'C';
  if (x.rank() < (channels_last ? 1 : 2)) {
    return InvalidModel(op + " input X of shape " + dims_to_string(x.shape) + " has no channel axis for data_layout '" +
                        layout + "'");
  }
  const int axis = channels_last ? x.rank() - 1 : 1;
  ThresholdLayout l;
  l.channels = x.shape[axis];
  for (int d = axis + 1; d < x.rank(); ++d) l.inner *= x.shape[d];
  if (t.rank() != 2 || (t.shape[0] != 1 && t.shape[0] != l.channels)) {
    return ShapeMismatch(op + " thresholds must be [C, S] or [1, S] with C = " + std::to_string(l.channels) +
                         " channels of X " + dims_to_string(x.shape) + ", got " + dims_to_string(t.shape));
  }
  l.steps = t.shape[1];
  l.global = t.shape[0] == 1;
  return l;
}

// The thresholds row of element i.
inline const float* thresholds_of(const Tensor& t, const ThresholdLayout& l, int64_t i) {
  return t.data_as<float>() + (l.global ? 0 : (i / l.inner) % l.channels) * l.steps;
}

}  // namespace qedge::ref
