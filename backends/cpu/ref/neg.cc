#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_neg(KernelRegistry& r) {
  register_unary<kFloatTypes | kSignedIntTypes>(r, "Neg", [](auto x, const UnaryParams&) {
    return negate(x);
  });
}

}  // namespace qedge::ref
