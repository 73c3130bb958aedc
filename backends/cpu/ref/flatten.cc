#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_storable_input(ctx));
  const Tensor& x = *ctx.input(0);
  // axis is in [-rank, rank]: it may equal the rank (everything goes to the first dim), and a
  // negative one counts from the rank.
  int64_t axis = ctx.attr().get_int("axis", 1);
  if (axis < 0) axis += x.rank();
  if (axis < 0 || axis > x.rank()) {
    return InvalidModel("Flatten axis " + std::to_string(ctx.attr().get_int("axis", 1)) +
                        " is out of range for input shape " + dims_to_string(x.shape));
  }
  const size_t a = static_cast<size_t>(axis);
  set_output(ctx, 0, x.dtype, {dims_product(x.shape, 0, a), dims_product(x.shape, a, x.shape.size())});
  return Status::Ok();
}

}  // namespace

void register_flatten(KernelRegistry& r) { register_function_kernel(r, "Flatten", prepare, run_copy_input); }

}  // namespace qedge::ref
