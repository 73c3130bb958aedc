#include "common/contrib_wrap.h"

namespace qedge::ref {

void register_batch_normalization(KernelRegistry& r);  // batch_normalization.cc

// qonnx channels-last BatchNormalization (inference): x [N, spatial.., C]; scale, B, mean, var [C].
void register_channels_last_batch_normalization(KernelRegistry& r) {
  register_contrib_wrap(r, kChannelsLastDomain, "BatchNormalization", "BatchNormalization",
                        register_batch_normalization, false, 1);
}

}  // namespace qedge::ref
