#include "common/seq_loss.h"

namespace qedge::ref {

void register_negative_log_likelihood_loss(KernelRegistry& r) {
  r.add("", "NegativeLogLikelihoodLoss", [] { return std::make_unique<SeqLossKernel>(false); });
}

}  // namespace qedge::ref
