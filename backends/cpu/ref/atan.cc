#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_atan(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Atan", [](auto x, const UnaryParams&) {
    return std::atan(x);
  });
}

}  // namespace qedge::ref
