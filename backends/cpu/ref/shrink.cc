#include "common/unary.h"

namespace qedge::ref {

void register_shrink(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "Shrink",
      [](auto x, const UnaryParams& p) {
        const double v = x;
        return v < -p.alpha ? v + p.beta : (v > p.alpha ? v - p.beta : 0.0);
      },
      [](const AttrMap& a, UnaryParams* p) {
        // alpha is the attribute lambd, beta is bias.
        p->alpha = a.get_float("lambd", 0.5f);
        p->beta = a.get_float("bias", 0.0f);
      });
}

}  // namespace qedge::ref
