#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_global_average_pool(KernelRegistry& r);  // global_average_pool.cc

// com.microsoft QLinearGlobalAveragePool: Y = quantize(GlobalAveragePool(dequantize(X))); channels_last=1 takes X as
// [N, spatial.., C] and gives Y [N, 1.., C].
void register_qlinear_global_average_pool(KernelRegistry& r) {
  register_contrib_wrap(r, kMsDomain, "QLinearGlobalAveragePool", "GlobalAveragePool", register_global_average_pool,
                        true, -1);
}

}  // namespace qedge::ref
