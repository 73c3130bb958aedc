#include "common/nn_pool.h"

namespace qedge::ref {

void register_average_pool(KernelRegistry& r) {
  r.add("", "AveragePool", [] { return std::make_unique<NnPoolKernel<NnPool::kAverage>>(); });
}

}  // namespace qedge::ref
