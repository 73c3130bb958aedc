#include <cstdint>
#include <string>

#include "common/broadcast.h"
#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

Status prepare_where(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
  const Tensor& cond = *ctx.input(0);
  const Tensor& x = *ctx.input(1);
  const Tensor& y = *ctx.input(2);
  if (cond.dtype != DType::kBool) {
    return InvalidModel(std::string("Where condition must be bool, got ") + dtype_name(cond.dtype));
  }
  if (x.dtype != y.dtype) {
    return InvalidModel(std::string("Where inputs X and Y have different types: ") + dtype_name(x.dtype) + " and " +
                        dtype_name(y.dtype));
  }
  QEDGE_RETURN_IF_ERROR(visit_dtype<kAllTypes>(x.dtype, "Where", [](auto) { return Status::Ok(); }));
  QEDGE_ASSIGN_OR_RETURN(Dims shape, broadcast_shapes(cond.shape, x.shape));
  QEDGE_ASSIGN_OR_RETURN(shape, broadcast_shapes(shape, y.shape));
  set_output(ctx, 0, x.dtype, std::move(shape));
  return Status::Ok();
}

Status run_where(KernelContext& ctx) {
  const Tensor& cond = *ctx.input(0);
  const Tensor& x = *ctx.input(1);
  const Tensor& y = *ctx.input(2);
  Tensor& z = *ctx.output(0);
  return visit_dtype<kAllTypes>(x.dtype, "Where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    // Read the condition as bytes so that a stray non-0/1 byte cannot be an invalid bool load.
    const auto* pc = cond.data_as<uint8_t>();
    const T* px = x.data_as<T>();
    const T* py = y.data_as<T>();
    T* out = z.data_as<T>();
    for_each_broadcast<3>(z.shape, {&cond.shape, &x.shape, &y.shape},
                          [&](int64_t i, const std::array<int64_t, 3>& off) {
                            out[i] = pc[off[0]] != 0 ? px[off[1]] : py[off[2]];
                          });
    return Status::Ok();
  });
}

}  // namespace

void register_where(KernelRegistry& r) { register_function_kernel(r, "Where", prepare_where, run_where); }

}  // namespace qedge::ref
