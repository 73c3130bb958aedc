// Float element-wise unary ops on XNNPACK's "nc" operators, run over the tensor as contiguous rows; the operators are
// made from the node's attributes. Other element types use the reference kernel.
#pragma once

#include <vector>

#include "fallback_kernel.h"
#include "xnn_runtime.h"

namespace qedge::fast::xnn {

using UnaryCreate = xnn_status (*)(const KernelContext& ctx, xnn_operator_t* op);
using UnarySetup = xnn_status (*)(xnn_operator_t op, size_t batch, const float* x, float* y, pthreadpool_t pool);
// Parameters XNNPACK accepts (it rejects e.g. a non-finite LeakyRelu slope, which then uses the reference).
using UnaryFits = bool (*)(const KernelContext& ctx);

class UnaryKernel : public FallbackKernel {
 public:
  UnaryKernel(const KernelRegistry& ref, const char* op, UnaryCreate create, UnarySetup setup, UnaryFits fits)
      : FallbackKernel(ref, op), op_name_(op), create_(create), setup_(setup), fits_(fits) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && x->dtype == DType::kFloat32 && (!fits_ || fits_(ctx)) && available();
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = x.shape;
    return ready();
  }

  // Each part of the threads' split is a range of the elements with an operator of its own (made on first use).
  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t n = x.numel();
    if (n == 0) return Status::Ok();
    const int64_t parts = part_count(ctx, n, kMinElementsPerPart);
    while (static_cast<int64_t>(ops_.size()) < parts) {
      xnn_operator_t op = nullptr;
      QEDGE_RETURN_IF_ERROR(check(create_(ctx, &op), op_name_));
      ops_.emplace_back(op);
    }
    return run_parts(ctx, parts, [&](int64_t p) {
      const int64_t begin = part_begin(p, parts, n), end = part_begin(p + 1, parts, n);
      QEDGE_RETURN_IF_ERROR(check(setup_(ops_[p].get(), static_cast<size_t>(end - begin), x.data_as<float>() + begin,
                                         ctx.output(0)->data_as<float>() + begin, nullptr),
                                  op_name_));
      return xnn::run(ops_[p], op_name_);
    });
  }

 private:
  static constexpr int64_t kMinElementsPerPart = 16384;

  const char* op_name_;
  UnaryCreate create_;
  UnarySetup setup_;
  UnaryFits fits_;
  std::vector<Operator> ops_;
};

inline void register_unary(KernelRegistry& r, const KernelRegistry& ref, const char* op, UnaryCreate create,
                           UnarySetup setup, UnaryFits fits = nullptr) {
  r.add("", op,
        [&ref, op, create, setup, fits] { return std::make_unique<UnaryKernel>(ref, op, create, setup, fits); });
}

}  // namespace qedge::fast::xnn
