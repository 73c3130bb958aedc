#include "common/seq_rnn.h"

namespace qedge::ref {

void register_lstm(KernelRegistry& r) {
  r.add("", "LSTM", [] { return std::make_unique<RecurrentKernel>(RnnCell::kLstm); });
}

}  // namespace qedge::ref
