#include <algorithm>
#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_celu(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "Celu",
      [](auto x, const UnaryParams& p) {
        return std::max(0.0, static_cast<double>(x)) + std::min(0.0, p.alpha * std::expm1(x / p.alpha));
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 1.0f);
      });
}

}  // namespace qedge::ref
