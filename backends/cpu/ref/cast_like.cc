#include <string>

#include "common/kernel_util.h"
#include "common/math_cast.h"

namespace qedge::ref {
namespace {

Status prepare_cast_like(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const DType target = ctx.input(1)->dtype;
  if (!castable(x.dtype) || !castable(target)) {
    return Unsupported(std::string("CastLike from ") + dtype_name(x.dtype) + " to " + dtype_name(target) +
                       " is not supported");
  }
  set_output(ctx, 0, target, x.shape);
  return Status::Ok();
}

Status run_cast_like(KernelContext& ctx) { return cast_tensor(*ctx.input(0), *ctx.output(0)); }

}  // namespace

void register_cast_like(KernelRegistry& r) {
  register_function_kernel(r, "CastLike", prepare_cast_like, run_cast_like);
}

}  // namespace qedge::ref
