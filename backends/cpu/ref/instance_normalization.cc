#include "common/nn_norm.h"

namespace qedge::ref {

void register_instance_normalization(KernelRegistry& r) {
  r.add("", "InstanceNormalization", [] { return std::make_unique<NnChannelNormKernel<true>>(); });
}

}  // namespace qedge::ref
