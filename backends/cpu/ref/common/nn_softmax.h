// Softmax, LogSoftmax and Hardmax: one kernel over rows along an axis.
// Before opset 13 the input is coerced to 2-D at `axis` (default 1) and each row is everything from
// `axis` on; from opset 13 a row is the single dim `axis` (default -1).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

enum class NnSoftmax { kSoftmax, kLogSoftmax, kHardmax };

template <NnSoftmax Kind>
class NnSoftmaxKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    const bool coerce_2d = ctx.opset < 13;
    const int rank = std::max(x.rank(), coerce_2d ? 1 : 0);
    QEDGE_ASSIGN_OR_RETURN(const int axis, normalize_axis(ctx.attr().get_int("axis", coerce_2d ? 1 : -1), rank,
                                                          (op + " axis").c_str()));
    outer_ = len_ = inner_ = 1;
    for (int d = 0; d < x.rank(); ++d) {
      if (d < axis) {
        outer_ *= x.shape[d];
      } else if (d == axis || coerce_2d) {
        len_ *= x.shape[d];
      } else {
        inner_ *= x.shape[d];
      }
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, "softmax", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      for (int64_t o = 0; o < outer_; ++o) {
        for (int64_t i = 0; i < inner_; ++i) {
          const int64_t base = o * len_ * inner_ + i;
          auto at = [&](int64_t k) { return static_cast<A>(static_cast<compute_t<T>>(in[base + k * inner_])); };
          // The first maximum: Hardmax's one-hot position and the shift that keeps exp from overflowing.
          int64_t arg = 0;
          for (int64_t k = 1; k < len_; ++k) arg = at(k) > at(arg) ? k : arg;
          const A max = len_ > 0 ? at(arg) : A(0);
          A sum = 0;
          if constexpr (Kind != NnSoftmax::kHardmax) {
            for (int64_t k = 0; k < len_; ++k) sum += std::exp(at(k) - max);
          }
          for (int64_t k = 0; k < len_; ++k) {
            A v;
            if constexpr (Kind == NnSoftmax::kSoftmax) {
              v = std::exp(at(k) - max) / sum;
            } else if constexpr (Kind == NnSoftmax::kLogSoftmax) {
              v = at(k) - max - std::log(sum);
            } else {
              v = k == arg ? A(1) : A(0);
            }
            out[base + k * inner_] = to_storage<T>(v);
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int64_t outer_ = 1, len_ = 1, inner_ = 1;
};

}  // namespace qedge::ref
