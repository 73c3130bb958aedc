#include <algorithm>
#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_hard_sigmoid(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "HardSigmoid",
      [](auto x, const UnaryParams& p) {
        return std::max(0.0, std::min(1.0, p.alpha * x + p.beta));
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 0.2f);
        p->beta = a.get_float("beta", 0.5f);
      });
}

}  // namespace qedge::ref
