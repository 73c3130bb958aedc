#include "common/seq_rnn.h"

namespace qedge::ref {

void register_rnn(KernelRegistry& r) {
  r.add("", "RNN", [] { return std::make_unique<RecurrentKernel>(RnnCell::kRnn); });
}

}  // namespace qedge::ref
