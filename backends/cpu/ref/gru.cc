#include "common/seq_rnn.h"

namespace qedge::ref {

void register_gru(KernelRegistry& r) {
  r.add("", "GRU", [] { return std::make_unique<RecurrentKernel>(RnnCell::kGru); });
}

}  // namespace qedge::ref
