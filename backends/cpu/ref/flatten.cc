#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(element_bytes(ctx, x.dtype).status());
  const int64_t axis_attr = ctx.attr().get_int("axis", 1);
  // axis may equal the rank (everything goes to the first dim), so normalize against rank + 1.
  QEDGE_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_attr, x.rank() + 1, "Flatten axis"));
  const size_t a = static_cast<size_t>(axis);
  set_output(ctx, 0, x.dtype, {dims_product(x.shape, 0, a), dims_product(x.shape, a, x.shape.size())});
  return Status::Ok();
}

}  // namespace

void register_flatten(KernelRegistry& r) { register_function_kernel(r, "Flatten", prepare, run_copy_input); }

}  // namespace qedge::ref
