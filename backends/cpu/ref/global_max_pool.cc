#include "common/nn_pool.h"

namespace qedge::ref {

void register_global_max_pool(KernelRegistry& r) {
  r.add("", "GlobalMaxPool", [] { return std::make_unique<NnGlobalPoolKernel<NnPool::kMax>>(); });
}

}  // namespace qedge::ref
