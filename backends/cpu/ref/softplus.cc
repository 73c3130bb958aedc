#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_softplus(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Softplus", [](auto x, const UnaryParams&) {
    return softplus(x);
  });
}

}  // namespace qedge::ref
