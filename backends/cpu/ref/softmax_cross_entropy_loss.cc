#include "common/seq_loss.h"

namespace qedge::ref {

void register_softmax_cross_entropy_loss(KernelRegistry& r) {
  r.add("", "SoftmaxCrossEntropyLoss", [] { return std::make_unique<SeqLossKernel>(true); });
}

}  // namespace qedge::ref
