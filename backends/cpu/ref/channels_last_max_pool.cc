#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_max_pool(KernelRegistry& r);  // max_pool.cc

// qonnx channels-last MaxPool: x [N, spatial.., C] in, y [N, spatial.., C] out (one output).
void register_channels_last_max_pool(KernelRegistry& r) {
  register_contrib_wrap(r, kChannelsLastDomain, "MaxPool", "MaxPool", register_max_pool, false, 1);
}

}  // namespace qedge::ref
