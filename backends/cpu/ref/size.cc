#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  set_output(ctx, 0, DType::kInt64, {});
  return Status::Ok();
}

Status run(KernelContext& ctx) {
  *ctx.output(0)->data_as<int64_t>() = ctx.input(0)->numel();
  return Status::Ok();
}

}  // namespace

void register_size(KernelRegistry& r) { register_function_kernel(r, "Size", prepare, run); }

}  // namespace qedge::ref
