#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_erf(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Erf", [](auto x, const UnaryParams&) {
    return std::erf(x);
  });
}

}  // namespace qedge::ref
