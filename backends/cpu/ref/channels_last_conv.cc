#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_conv(KernelRegistry& r);  // conv.cc

// qonnx channels-last Conv: x [N, spatial.., C] and weight [M, k.., C/group] in, y [N, spatial.., M] out.
void register_channels_last_conv(KernelRegistry& r) {
  register_contrib_wrap(r, kChannelsLastDomain, "Conv", "Conv", register_conv, false, 2);
}

}  // namespace qedge::ref
