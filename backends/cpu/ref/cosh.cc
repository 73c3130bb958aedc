#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_cosh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Cosh", [](auto x, const UnaryParams&) {
    return std::cosh(x);
  });
}

}  // namespace qedge::ref
