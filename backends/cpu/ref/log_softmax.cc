#include "common/nn_softmax.h"

namespace qedge::ref {

void register_log_softmax(KernelRegistry& r) {
  r.add("", "LogSoftmax", [] { return std::make_unique<NnSoftmaxKernel<NnSoftmax::kLogSoftmax>>(); });
}

}  // namespace qedge::ref
