// CausalConvWithState (opset 27): depthwise causal 1-D convolution over [batch, channels, length]
// whose left context comes from past_state (zeros when absent), with an optional fused SiLU; the
// last kernel_size - 1 positions of the padded input become present_state.
#include <cmath>
#include <string>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

Status prepare_causal_conv(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "CausalConvWithState", [](auto) { return Status::Ok(); }));
  if (x.rank() != 3 || w.rank() != 3 || w.shape[0] != x.shape[1] || w.shape[1] != 1 || w.shape[2] < 1 ||
      w.dtype != x.dtype) {
    return ShapeMismatch(
        "CausalConvWithState needs input [batch, channels, length] and weight [channels, 1, k] "
        "of one type, got " +
        dims_to_string(x.shape) + " and " + dims_to_string(w.shape));
  }
  const int64_t batch = x.shape[0], channels = x.shape[1], k = w.shape[2];
  const Tensor* bias = ctx.input(2);
  if (bias && (bias->shape != Dims{channels} || bias->dtype != x.dtype)) {
    return ShapeMismatch("CausalConvWithState bias must be [" + std::to_string(channels) + "], got " +
                         dims_to_string(bias->shape));
  }
  const Dims state{batch, channels, k - 1};
  const Tensor* past = ctx.input(3);
  if (past && (past->shape != state || past->dtype != x.dtype)) {
    return ShapeMismatch("CausalConvWithState past_state must be " + dims_to_string(state) + ", got " +
                         dims_to_string(past->shape));
  }
  const std::string act = ctx.attr().get_string("activation", "none");
  if (act != "none" && act != "silu" && act != "swish") {
    return InvalidModel("CausalConvWithState activation must be none, silu or swish, got '" + act + "'");
  }
  set_output(ctx, 0, x.dtype, x.shape);
  if (ctx.num_outputs() > 1) set_output(ctx, 1, x.dtype, state);
  return Status::Ok();
}

Status run_causal_conv(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const int64_t batch = x.shape[0], channels = x.shape[1], len = x.shape[2], k = ctx.input(1)->shape[2];
  const bool silu = ctx.attr().get_string("activation", "none") != "none";
  return visit_dtype<kFloatTypes>(x.dtype, "CausalConvWithState", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    const T* in = x.data_as<T>();
    const T* w = ctx.input(1)->data_as<T>();
    const T* bias = ctx.input(2) ? ctx.input(2)->data_as<T>() : nullptr;
    const T* past = ctx.input(3) ? ctx.input(3)->data_as<T>() : nullptr;
    T* out = ctx.output(0)->data_as<T>();
    T* present = ctx.num_outputs() > 1 ? ctx.output(1)->data_as<T>() : nullptr;
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t row = b * channels + c;
        // Position p of the padded row [past (k - 1 values), input (len values)].
        auto padded = [&](int64_t p) -> C {
          if (p >= k - 1) return static_cast<C>(in[row * len + p - (k - 1)]);
          return past ? static_cast<C>(past[row * (k - 1) + p]) : C(0);
        };
        for (int64_t t = 0; t < len; ++t) {
          C acc = bias ? static_cast<C>(bias[c]) : C(0);
          for (int64_t j = 0; j < k; ++j) acc += static_cast<C>(w[c * k + j]) * padded(t + j);
          // The convolution result is rounded to the element type before the activation.
          const C v = static_cast<C>(to_storage<T>(acc));
          out[row * len + t] = to_storage<T>(silu ? v / (C(1) + std::exp(-v)) : v);
        }
        for (int64_t j = 0; present && j < k - 1; ++j) present[row * (k - 1) + j] = to_storage<T>(padded(len + j));
      }
    }
    return Status::Ok();
  });
}

}  // namespace

void register_causal_conv_with_state(KernelRegistry& r) {
  register_function_kernel(r, "CausalConvWithState", prepare_causal_conv, run_causal_conv);
}

}  // namespace qedge::ref
