#include "common/kernel_util.h"
#include "common/math_cast.h"

namespace qedge::ref {
namespace {

// CastLike is Cast with the target type taken from input 1.
Status prepare_cast_like(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  return prepare_cast_output(ctx, ctx.input(1)->dtype);
}

}  // namespace

void register_cast_like(KernelRegistry& r) { register_function_kernel(r, "CastLike", prepare_cast_like, run_cast); }

}  // namespace qedge::ref
