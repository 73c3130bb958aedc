#include "common/shape_cumulative.h"

namespace qedge::ref {
namespace {

Status run(KernelContext& ctx) {
  return run_cumulative(ctx, [](auto acc, auto v) { return wrap_mul(acc, v); }, 1);
}

}  // namespace

void register_cum_prod(KernelRegistry& r) { register_function_kernel(r, "CumProd", prepare_cumulative, run); }

}  // namespace qedge::ref
