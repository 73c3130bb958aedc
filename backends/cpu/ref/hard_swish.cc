#include <algorithm>
#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_hard_swish(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "HardSwish", [](auto x, const UnaryParams&) {
    return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
  });
}

}  // namespace qedge::ref
