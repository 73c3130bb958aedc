#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_average_pool(KernelRegistry& r);  // average_pool.cc

// com.microsoft QLinearAveragePool: Y = quantize(AveragePool(dequantize(X))) with AveragePool's attributes;
// channels_last=1 for NHWC X and Y.
void register_qlinear_average_pool(KernelRegistry& r) {
  register_contrib_wrap(r, kMsDomain, "QLinearAveragePool", "AveragePool", register_average_pool, true, -1);
}

}  // namespace qedge::ref
