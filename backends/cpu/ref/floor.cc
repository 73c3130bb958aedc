#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_floor(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Floor", [](auto x, const UnaryParams&) {
    return std::floor(x);
  });
}

}  // namespace qedge::ref
