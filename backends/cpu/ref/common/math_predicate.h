// Element-wise tests with a bool output (IsNaN, IsInf): the unary template with a bool result.
#pragma once

#include <string>

#include "unary.h"

namespace qedge::ref {

template <unsigned Set, typename Fn>
class PredicateKernel : public OpKernel {
 public:
  PredicateKernel(Fn fn, UnaryParamReader reader) : fn_(fn), reader_(reader) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<Set>(x.dtype, std::string(ctx.op_type).c_str(),
                                           [](auto) { return Status::Ok(); }));
    if (reader_) reader_(ctx.attr(), &params_);
    set_output(ctx, 0, DType::kBool, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    bool* out = ctx.output(0)->data_as<bool>();
    const int64_t n = x.numel();
    return visit_dtype<Set>(x.dtype, "predicate", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      for (int64_t i = 0; i < n; ++i) out[i] = fn_(static_cast<compute_t<T>>(in[i]), params_);
      return Status::Ok();
    });
  }

 private:
  Fn fn_;
  UnaryParamReader reader_;
  UnaryParams params_;
};

template <unsigned Set, typename Fn>
void register_predicate(KernelRegistry& r, const std::string& op, Fn fn, UnaryParamReader reader = nullptr) {
  r.add("", op, [fn, reader] { return std::make_unique<PredicateKernel<Set, Fn>>(fn, reader); });
}

}  // namespace qedge::ref
