// Float element-wise unary ops on XNNPACK's "nc" operators, run over the whole tensor as one contiguous row. The
// operator is made at prepare from the node's attributes; other element types use the reference kernel.
#pragma once

#include "fallback_kernel.h"
#include "xnn_runtime.h"

namespace qedge::fast::xnn {

using UnaryCreate = xnn_status (*)(const AttrMap& attrs, xnn_operator_t* op);
using UnarySetup = xnn_status (*)(xnn_operator_t op, size_t batch, const float* x, float* y, pthreadpool_t pool);
// Attributes XNNPACK accepts (it rejects e.g. a non-finite LeakyRelu slope, which then uses the reference).
using UnaryFits = bool (*)(const AttrMap& attrs);

class UnaryKernel : public FallbackKernel {
 public:
  UnaryKernel(const KernelRegistry& ref, const char* op, UnaryCreate create, UnarySetup setup, UnaryFits fits)
      : FallbackKernel(ref, op), op_name_(op), create_(create), setup_(setup), fits_(fits) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && x->dtype == DType::kFloat32 && (!fits_ || fits_(ctx.attr()));
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = x.shape;
    if (op_) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(ready());
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(check(create_(ctx.attr(), &op), op_name_));
    op_.reset(op);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    if (x.numel() == 0) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(check(setup_(op_.get(), static_cast<size_t>(x.numel()), x.data_as<float>(),
                                       ctx.output(0)->data_as<float>(), threadpool(ctx)),
                                op_name_));
    return xnn::run(op_, ctx, op_name_);
  }

 private:
  const char* op_name_;
  UnaryCreate create_;
  UnarySetup setup_;
  UnaryFits fits_;
  Operator op_;
};

inline void register_unary(KernelRegistry& r, const KernelRegistry& ref, const char* op, UnaryCreate create,
                           UnarySetup setup, UnaryFits fits = nullptr) {
  r.add("", op,
        [&ref, op, create, setup, fits] { return std::make_unique<UnaryKernel>(ref, op, create, setup, fits); });
}

}  // namespace qedge::fast::xnn
