#include <cmath>

#include "common/math_predicate.h"

namespace qedge::ref {

void register_is_inf(KernelRegistry& r) {
  register_predicate<kFloatTypes>(
      r, "IsInf",
      [](auto x, const UnaryParams& p) { return std::isinf(x) && (x > 0 ? p.alpha != 0 : p.beta != 0); },
      [](const AttrMap& a, UnaryParams* p) {
        // alpha and beta hold detect_positive and detect_negative.
        p->alpha = static_cast<double>(a.get_int("detect_positive", 1));
        p->beta = static_cast<double>(a.get_int("detect_negative", 1));
      });
}

}  // namespace qedge::ref
