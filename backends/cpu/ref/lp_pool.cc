#include "common/nn_pool.h"

namespace qedge::ref {

void register_lp_pool(KernelRegistry& r) {
  r.add("", "LpPool", [] { return std::make_unique<NnPoolKernel<NnPool::kLp>>(); });
}

}  // namespace qedge::ref
