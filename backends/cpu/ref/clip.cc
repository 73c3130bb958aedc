#include <limits>
#include <string>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

// Before opset 11 the bounds are float attributes; from 11 on they are optional scalar inputs 1 and 2.
Status prepare_clip(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(x.dtype, "Clip", [](auto) { return Status::Ok(); }));
  if (ctx.opset < 11 && !dtype_is_float(x.dtype)) {
    return Unsupported(std::string("Clip before opset 11 does not support element type ") + dtype_name(x.dtype));
  }
  for (int i = 1; i <= 2 && ctx.opset >= 11; ++i) {
    const Tensor* bound = ctx.input(i);
    if (bound == nullptr) continue;
    const char* name = i == 1 ? "min" : "max";
    if (bound->dtype != x.dtype) {
      return InvalidModel(std::string("Clip ") + name + " has type " + dtype_name(bound->dtype) + ", input has " +
                          dtype_name(x.dtype));
    }
    if (bound->numel() != 1) {
      return InvalidArgument(std::string("Clip ") + name + " must be a scalar, got shape " +
                             dims_to_string(bound->shape));
    }
  }
  set_output(ctx, 0, x.dtype, x.shape);
  return Status::Ok();
}

Status run_clip(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  return visit_dtype<kNumericTypes>(x.dtype, "Clip", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    C lo = std::numeric_limits<C>::lowest();
    C hi = std::numeric_limits<C>::max();
    if (ctx.opset < 11) {
      lo = static_cast<C>(ctx.attr().get_float("min", std::numeric_limits<float>::lowest()));
      hi = static_cast<C>(ctx.attr().get_float("max", std::numeric_limits<float>::max()));
    } else {
      if (ctx.input(1) != nullptr) lo = static_cast<C>(ctx.input(1)->data_as<T>()[0]);
      if (ctx.input(2) != nullptr) hi = static_cast<C>(ctx.input(2)->data_as<T>()[0]);
    }
    const T* in = x.data_as<T>();
    T* out = y.data_as<T>();
    for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) {
      // min > max yields max, as the spec says; NaN passes through.
      C v = static_cast<C>(in[i]);
      if (v < lo) v = lo;
      if (v > hi) v = hi;
      out[i] = to_storage<T>(v);
    }
    return Status::Ok();
  });
}

}  // namespace

void register_clip(KernelRegistry& r) { register_function_kernel(r, "Clip", prepare_clip, run_clip); }

}  // namespace qedge::ref
