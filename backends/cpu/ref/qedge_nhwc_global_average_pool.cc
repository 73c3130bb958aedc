#include "common/contrib_wrap.h"
#include "common/int_quantize.h"

namespace qedge::ref {

void register_global_average_pool(KernelRegistry& r);  // global_average_pool.cc

// qedge.NhwcGlobalAveragePool, made by the converter's layout pass (layout_nhwc) where a GlobalAveragePool reads a
// channels-last region: x [N, spatial.., C] in, y [N, 1.., C] out (the bytes of the NCHW result [N, C, 1..]). The
// reference moves the channels and runs GlobalAveragePool.
void register_qedge_nhwc_global_average_pool(KernelRegistry& r) {
  register_contrib_wrap(r, kQedgeDomain, "NhwcGlobalAveragePool", "GlobalAveragePool", register_global_average_pool,
                        false, 1);
}

}  // namespace qedge::ref
