#include <cstring>

#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

Status prepare_identity(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  set_output(ctx, 0, ctx.input(0)->dtype, ctx.input(0)->shape);
  return Status::Ok();
}

Status run_identity(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  if (x.nbytes() > 0) std::memcpy(ctx.output(0)->data, x.data, x.nbytes());
  return Status::Ok();
}

}  // namespace

void register_identity(KernelRegistry& r) {
  register_function_kernel(r, "Identity", prepare_identity, run_identity);
}

}  // namespace qedge::ref
