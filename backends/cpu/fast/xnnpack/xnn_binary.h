// Float element-wise binary ops that broadcast (up to XNNPACK's 6 dims) on XNNPACK's "nd" operators. Each is one IEEE
// single-precision operation per element, so results equal the reference's exactly (NaN aside: docs/perf/cpu.md).
// Operands of one shape stay on the reference loop, which the compiler vectorizes and which ties with XNNPACK there
// while keeping NaN. One thread: the broadcast ops in the models are small (biases, per-channel scales).
#pragma once

#include <cmath>
#include <string>

#include "fallback_kernel.h"
#include "xnn_runtime.h"

namespace qedge::fast::xnn {

using BinaryCreate = xnn_status (*)(float min, float max, uint32_t flags, xnn_operator_t* op);
using BinarySetup = xnn_status (*)(xnn_operator_t op, size_t a_rank, const size_t* a_shape, size_t b_rank,
                                   const size_t* b_shape, const float* a, const float* b, float* y, pthreadpool_t pool);

class BinaryKernel : public FallbackKernel {
 public:
  BinaryKernel(const KernelRegistry& ref, const char* op, BinaryCreate create, BinarySetup setup)
      : FallbackKernel(ref, op), op_name_(op), create_(create), setup_(setup) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    return a && b && a->dtype == DType::kFloat32 && b->dtype == DType::kFloat32 && a->shape != b->shape &&
           a->rank() <= XNN_MAX_TENSOR_DIMS && b->rank() <= XNN_MAX_TENSOR_DIMS && available();
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(Dims shape, broadcast_shapes(ctx.input(0)->shape, ctx.input(1)->shape));
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = std::move(shape);
    if (op_) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(ready());
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(check(create_(-INFINITY, INFINITY, 0, &op), op_name_));
    op_.reset(op);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    if (y.numel() == 0) return Status::Ok();
    size_t as[XNN_MAX_TENSOR_DIMS], bs[XNN_MAX_TENSOR_DIMS];
    for (int d = 0; d < a.rank(); ++d) as[d] = static_cast<size_t>(a.shape[d]);
    for (int d = 0; d < b.rank(); ++d) bs[d] = static_cast<size_t>(b.shape[d]);
    QEDGE_RETURN_IF_ERROR(check(setup_(op_.get(), static_cast<size_t>(a.rank()), as, static_cast<size_t>(b.rank()), bs,
                                       a.data_as<float>(), b.data_as<float>(), y.data_as<float>(), nullptr),
                                op_name_));
    return xnn::run(op_, op_name_);
  }

 private:
  const char* op_name_;
  BinaryCreate create_;
  BinarySetup setup_;
  Operator op_;
};

inline void register_binary(KernelRegistry& r, const KernelRegistry& ref, const char* op, BinaryCreate create,
                            BinarySetup setup) {
  r.add("", op, [&ref, op, create, setup] { return std::make_unique<BinaryKernel>(ref, op, create, setup); });
}

}  // namespace qedge::fast::xnn
