// Element-wise binary operators with numpy broadcasting.
#pragma once

#include <string>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

enum class BinaryOutput { kSameAsInput, kBool };

// z = fn(a, b) with a, b in compute precision. Both inputs must have the same type.
template <unsigned Set, BinaryOutput Out, typename Fn>
class BinaryKernel : public OpKernel {
 public:
  explicit BinaryKernel(Fn fn) : fn_(fn) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    if (a.dtype != b.dtype) {
      return InvalidModel(std::string(ctx.op_type) + " inputs have different types: " + dtype_name(a.dtype) +
                          " and " + dtype_name(b.dtype));
    }
    QEDGE_RETURN_IF_ERROR(visit_dtype<Set>(a.dtype, std::string(ctx.op_type).c_str(),
                                           [](auto) { return Status::Ok(); }));
    QEDGE_ASSIGN_OR_RETURN(Dims shape, broadcast_shapes(a.shape, b.shape));
    set_output(ctx, 0, Out == BinaryOutput::kBool ? DType::kBool : a.dtype, std::move(shape));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    Tensor& z = *ctx.output(0);
    return visit_dtype<Set>(a.dtype, "binary", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using OutT = std::conditional_t<Out == BinaryOutput::kBool, bool, T>;
      const T* pa = a.data_as<T>();
      const T* pb = b.data_as<T>();
      OutT* pz = z.data_as<OutT>();
      for_each_broadcast<2>(z.shape, {&a.shape, &b.shape}, [&](int64_t i, const std::array<int64_t, 2>& off) {
        pz[i] = to_storage<OutT>(fn_(static_cast<compute_t<T>>(pa[off[0]]), static_cast<compute_t<T>>(pb[off[1]])));
      });
      return Status::Ok();
    });
  }

 private:
  Fn fn_;
};

template <unsigned Set, BinaryOutput Out = BinaryOutput::kSameAsInput, typename Fn>
void register_binary(KernelRegistry& r, const std::string& op, Fn fn) {
  r.add("", op, [fn] { return std::make_unique<BinaryKernel<Set, Out, Fn>>(fn); });
}

}  // namespace qedge::ref
