#include "common/nn_norm.h"

namespace qedge::ref {

void register_layer_normalization(KernelRegistry& r) {
  r.add("", "LayerNormalization", [] { return std::make_unique<NnLayerNormKernel<false>>(); });
}

}  // namespace qedge::ref
