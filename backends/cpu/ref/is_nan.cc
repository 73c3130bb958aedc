#include "common/math_predicate.h"
#include "common/math_scalar.h"

namespace qedge::ref {

void register_is_nan(KernelRegistry& r) {
  register_predicate<kFloatTypes>(r, "IsNaN", [](auto x, const UnaryParams&) { return is_nan(x); });
}

}  // namespace qedge::ref
