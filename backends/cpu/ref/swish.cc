#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_swish(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "Swish",
      [](auto x, const UnaryParams& p) {
        return x * sigmoid(static_cast<decltype(x)>(p.alpha * x));
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 1.0f);
      });
}

}  // namespace qedge::ref
