#include "common/reduce_signal.h"

namespace qedge::ref {

void register_hamming_window(KernelRegistry& r) {
  register_window(r, "HammingWindow", [](double phase) { return 25.0 / 46.0 - 21.0 / 46.0 * std::cos(phase); });
}

}  // namespace qedge::ref
