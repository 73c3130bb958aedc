#include "common/reduce_signal.h"

namespace qedge::ref {

void register_hann_window(KernelRegistry& r) {
  register_window(r, "HannWindow", [](double phase) { return 0.5 - 0.5 * std::cos(phase); });
}

}  // namespace qedge::ref
