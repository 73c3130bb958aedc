#include "common/nn_softmax.h"

namespace qedge::ref {

void register_hardmax(KernelRegistry& r) {
  r.add("", "Hardmax", [] { return std::make_unique<NnSoftmaxKernel<NnSoftmax::kHardmax>>(); });
}

}  // namespace qedge::ref
