// The fast transformer kernels differ from the reference only in how they run: prepare runs the reference kernel's
// prepare for the same checks, messages and output shapes.
#pragma once

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

inline Status prepare_like_reference(const KernelRegistry& ref, KernelContext& ctx) {
  const KernelFactory* f = ref.find(ctx.domain, ctx.op_type);
  if (!f) return Unsupported("no reference kernel for " + std::string(ctx.op_type));
  return (*f)()->prepare(ctx);
}

// Rows of a row-wise kernel worth splitting across threads: enough values that a thread's share outweighs waking it.
inline bool worth_threads(int64_t rows, int64_t values) { return rows > 1 && values >= 8192; }

}  // namespace qedge::fast
