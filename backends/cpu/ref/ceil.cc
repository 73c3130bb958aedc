#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_ceil(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Ceil", [](auto x, const UnaryParams&) {
    return std::ceil(x);
  });
}

}  // namespace qedge::ref
