#include "common/nn_norm.h"

namespace qedge::ref {

void register_rms_normalization(KernelRegistry& r) {
  r.add("", "RMSNormalization", [] { return std::make_unique<NnLayerNormKernel<true>>(); });
}

}  // namespace qedge::ref
