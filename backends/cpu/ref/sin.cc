#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_sin(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Sin", [](auto x, const UnaryParams&) {
    return std::sin(x);
  });
}

}  // namespace qedge::ref
