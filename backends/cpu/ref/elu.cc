#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_elu(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "Elu",
      [](auto x, const UnaryParams& p) {
        return x < 0 ? p.alpha * (std::exp(static_cast<double>(x)) - 1.0) : static_cast<double>(x);
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 1.0f);
      });
}

}  // namespace qedge::ref
