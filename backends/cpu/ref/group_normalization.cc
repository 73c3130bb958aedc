#include "common/nn_norm.h"

namespace qedge::ref {

void register_group_normalization(KernelRegistry& r) {
  r.add("", "GroupNormalization", [] { return std::make_unique<NnChannelNormKernel<false>>(); });
}

}  // namespace qedge::ref
