#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_acosh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Acosh", [](auto x, const UnaryParams&) {
    return std::acosh(x);
  });
}

}  // namespace qedge::ref
