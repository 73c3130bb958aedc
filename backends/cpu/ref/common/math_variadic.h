// Variadic element-wise reductions over 1..N inputs with multi-way broadcasting (Max, Min, Sum, Mean).
#pragma once

#include <string>
#include <vector>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_util.h"
#include "math_scalar.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// acc = fn(acc, x) folded over the inputs in compute precision; Mean divides by the input count.
template <unsigned Set, typename Fn>
class VariadicKernel : public OpKernel {
 public:
  VariadicKernel(Fn fn, bool mean) : fn_(fn), mean_(mean) {}

  Status prepare(KernelContext& ctx) override {
    const std::string op(ctx.op_type);
    if (ctx.num_inputs() < 1) return InvalidModel(op + " needs at least one input");
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, ctx.num_inputs()));
    const DType dtype = ctx.input(0)->dtype;
    QEDGE_RETURN_IF_ERROR(visit_dtype<Set>(dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    Dims shape = ctx.input(0)->shape;
    for (int k = 1; k < ctx.num_inputs(); ++k) {
      const Tensor& in = *ctx.input(k);
      if (in.dtype != dtype) {
        return InvalidModel(op + " input " + std::to_string(k) + " has type " + dtype_name(in.dtype) +
                            ", input 0 has " + dtype_name(dtype));
      }
      QEDGE_ASSIGN_OR_RETURN(shape, broadcast_shapes(shape, in.shape));
    }
    set_output(ctx, 0, dtype, std::move(shape));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    return visit_dtype<Set>(y.dtype, "variadic", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      std::vector<C> acc(static_cast<size_t>(y.numel()));
      for (int k = 0; k < ctx.num_inputs(); ++k) {
        const Tensor& in = *ctx.input(k);
        const T* p = in.data_as<T>();
        for_each_broadcast<1>(y.shape, {&in.shape}, [&](int64_t i, const std::array<int64_t, 1>& off) {
          const C v = static_cast<C>(p[off[0]]);
          acc[i] = k == 0 ? v : fn_(acc[i], v);
        });
      }
      T* out = y.data_as<T>();
      for (size_t i = 0; i < acc.size(); ++i) {
        out[i] = to_storage<T>(mean_ ? acc[i] / static_cast<C>(ctx.num_inputs()) : acc[i]);
      }
      return Status::Ok();
    });
  }

 private:
  Fn fn_;
  bool mean_;
};

template <unsigned Set, typename Fn>
void register_variadic(KernelRegistry& r, const std::string& op, Fn fn, bool mean = false) {
  r.add("", op, [fn, mean] { return std::make_unique<VariadicKernel<Set, Fn>>(fn, mean); });
}

// numpy maximum/minimum: a NaN in either operand gives NaN.
template <typename C>
C nan_max(C a, C b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return a < b ? b : a;
}

template <typename C>
C nan_min(C a, C b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return b < a ? b : a;
}

}  // namespace qedge::ref
