// qedge Thresholds: the integer levels of a FINN MultiThreshold, Y = #{j : X >= thresholds[c', j]}, or with
// bipolar=1 (one threshold) 2 * that count - 1, stored as `to` (default uint8). Inputs and layout as MultiThreshold
// (common/thresholds.h). Lowered from a MultiThreshold whose output feeds integer ops.
#include "common/int_quantize.h"
#include "common/thresholds.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_ASSIGN_OR_RETURN(const ThresholdLayout l, threshold_layout(ctx));
  const auto to = static_cast<DType>(ctx.attr().get_int("to", static_cast<int64_t>(DType::kUint8)));
  const bool bipolar = ctx.attr().get_int("bipolar", 0) != 0;
  if (!is_int_storage(to)) return InvalidModel("Thresholds has a non-integer 'to' type");
  const quant::IntRange r = QuantizeSpec::storage_range(to);
  if ((bipolar && (l.steps != 1 || r.min > -1)) || (!bipolar && l.steps > r.max)) {
    return InvalidModel("Thresholds levels for " + std::to_string(l.steps) + " thresholds do not fit its 'to' type");
  }
  set_output(ctx, 0, to, ctx.input(0)->shape);
  return Status::Ok();
}

Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  QEDGE_ASSIGN_OR_RETURN(const ThresholdLayout l, threshold_layout(ctx));
  const bool bipolar = ctx.attr().get_int("bipolar", 0) != 0;
  Tensor& y = *ctx.output(0);
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const int64_t count = quant::multithreshold_count(x.data_as<float>()[i], thresholds_of(*ctx.input(1), l, i), l.steps);
    set_int_element(y, i, bipolar ? 2 * count - 1 : count);
  }
  return Status::Ok();
}

}  // namespace

void register_qedge_thresholds(KernelRegistry& r) {
  register_function_kernel(r, "Thresholds", prepare, run, kQedgeDomain);
}

}  // namespace qedge::ref
