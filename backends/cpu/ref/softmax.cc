#include "common/nn_softmax.h"

namespace qedge::ref {

void register_softmax(KernelRegistry& r) {
  r.add("", "Softmax", [] { return std::make_unique<NnSoftmaxKernel<NnSoftmax::kSoftmax>>(); });
}

}  // namespace qedge::ref
