#include "common/shape_cumulative.h"

namespace qedge::ref {
namespace {

Status run(KernelContext& ctx) {
  return run_cumulative(ctx, [](auto acc, auto v) { return wrap_add(acc, v); }, 0);
}

}  // namespace

void register_cum_sum(KernelRegistry& r) { register_function_kernel(r, "CumSum", prepare_cumulative, run); }

}  // namespace qedge::ref
