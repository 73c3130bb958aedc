#include "common/reduce_signal.h"

namespace qedge::ref {

void register_blackman_window(KernelRegistry& r) {
  register_window(r, "BlackmanWindow",
                  [](double phase) { return 0.42 - 0.5 * std::cos(phase) + 0.08 * std::cos(2.0 * phase); });
}

}  // namespace qedge::ref
