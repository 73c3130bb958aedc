#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_sinh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Sinh", [](auto x, const UnaryParams&) {
    return std::sinh(x);
  });
}

}  // namespace qedge::ref
