#include "common/nn_pool.h"

namespace qedge::ref {

void register_max_pool(KernelRegistry& r) {
  r.add("", "MaxPool", [] { return std::make_unique<NnPoolKernel<NnPool::kMax>>(); });
}

}  // namespace qedge::ref
