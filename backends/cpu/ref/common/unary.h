// Element-wise unary operators: one template, one line per operator file.
#pragma once

#include <cmath>
#include <string>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// Operator parameters read once in prepare (alpha, beta, gamma as their ONNX attributes say).
struct UnaryParams {
  double alpha = 0.0;
  double beta = 0.0;
  double gamma = 0.0;
};
using UnaryParamReader = void (*)(const AttrMap&, UnaryParams*);

// y = fn(x, params) with x in compute precision; output has the input's type and shape, or is bool
// when BoolOut (element-wise tests such as IsNaN).
template <unsigned Set, typename Fn, bool BoolOut = false>
class UnaryKernel : public OpKernel {
 public:
  UnaryKernel(Fn fn, UnaryParamReader reader) : fn_(fn), reader_(reader) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<Set>(x.dtype, std::string(ctx.op_type).c_str(),
                                           [](auto) { return Status::Ok(); }));
    if (reader_) reader_(ctx.attr(), &params_);
    set_output(ctx, 0, BoolOut ? DType::kBool : x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const int64_t n = x.numel();
    return visit_dtype<Set>(x.dtype, BoolOut ? "predicate" : "unary", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      if constexpr (BoolOut) {
        bool* out = y.data_as<bool>();
        for (int64_t i = 0; i < n; ++i) out[i] = fn_(static_cast<compute_t<T>>(in[i]), params_);
      } else {
        T* out = y.data_as<T>();
        for (int64_t i = 0; i < n; ++i) {
          out[i] = to_storage<T>(fn_(static_cast<compute_t<T>>(in[i]), params_));
        }
      }
      return Status::Ok();
    });
  }

 private:
  Fn fn_;
  UnaryParamReader reader_;
  UnaryParams params_;
};

template <unsigned Set, typename Fn>
void register_unary(KernelRegistry& r, const std::string& op, Fn fn, UnaryParamReader reader = nullptr) {
  r.add("", op, [fn, reader] { return std::make_unique<UnaryKernel<Set, Fn>>(fn, reader); });
}

}  // namespace qedge::ref
