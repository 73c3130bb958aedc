// What the fast kernels that differ from the reference only in how they run share (transformer/, thresholds/):
// prepare runs the reference kernel's prepare (same checks, messages and output shapes); row-wise kernels split rows
// across threads when there are enough values.
#pragma once

#include <functional>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

inline Status prepare_like_reference(const KernelRegistry& ref, KernelContext& ctx) {
  const KernelFactory* f = ref.find(ctx.domain, ctx.op_type);
  if (!f) return Unsupported("no reference kernel for " + std::string(ctx.op_type));
  return (*f)()->prepare(ctx);
}

// fn(begin, end) over [0, rows), rows split across ctx's threads when the `values` in all outweigh waking them.
inline void run_rows(const KernelContext& ctx, int64_t rows, int64_t values,
                     const std::function<void(int64_t, int64_t)>& fn) {
  if (rows > 1 && values >= 8192) {
    ctx.parallel_for(rows, fn);
  } else {
    fn(0, rows);
  }
}

}  // namespace qedge::fast
