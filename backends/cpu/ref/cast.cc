#include <string>

#include "common/kernel_util.h"
#include "common/math_cast.h"

namespace qedge::ref {
namespace {

// Cast and CastLike differ only in where the target type comes from.
Status prepare_cast(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  const int64_t to = ctx.attr().get_int("to", 0);
  if (!dtype_is_valid(static_cast<int>(to))) {
    return InvalidModel("Cast attribute to=" + std::to_string(to) + " is not a valid element type");
  }
  const DType target = static_cast<DType>(to);
  if (!castable(x.dtype) || !castable(target)) {
    return Unsupported(std::string("Cast from ") + dtype_name(x.dtype) + " to " + dtype_name(target) +
                       " is not supported");
  }
  set_output(ctx, 0, target, x.shape);
  return Status::Ok();
}

Status run_cast(KernelContext& ctx) { return cast_tensor(*ctx.input(0), *ctx.output(0)); }

}  // namespace

void register_cast(KernelRegistry& r) { register_function_kernel(r, "Cast", prepare_cast, run_cast); }

}  // namespace qedge::ref
