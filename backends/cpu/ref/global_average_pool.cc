#include "common/nn_pool.h"

namespace qedge::ref {

void register_global_average_pool(KernelRegistry& r) {
  r.add("", "GlobalAveragePool", [] { return std::make_unique<NnGlobalPoolKernel<NnPool::kAverage>>(); });
}

}  // namespace qedge::ref
