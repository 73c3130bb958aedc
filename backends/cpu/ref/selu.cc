#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_selu(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "Selu",
      [](auto x, const UnaryParams& p) {
        const double v = x > 0 ? static_cast<double>(x) : p.alpha * (std::exp(static_cast<double>(x)) - 1.0);
        return p.gamma * v;
      },
      [](const AttrMap& a, UnaryParams* p) {
        p->alpha = a.get_float("alpha", 1.67326319217681884765625f);
        p->gamma = a.get_float("gamma", 1.05070102214813232421875f);
      });
}

}  // namespace qedge::ref
