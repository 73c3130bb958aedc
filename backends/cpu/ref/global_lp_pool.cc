#include "common/nn_pool.h"

namespace qedge::ref {

void register_global_lp_pool(KernelRegistry& r) {
  r.add("", "GlobalLpPool", [] { return std::make_unique<NnGlobalPoolKernel<NnPool::kLp>>(); });
}

}  // namespace qedge::ref
