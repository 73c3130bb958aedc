#include "common/unary.h"

namespace qedge::ref {

void register_leaky_relu(KernelRegistry& r) {
  register_unary<kFloatTypes>(
      r, "LeakyRelu", [](auto x, const UnaryParams& p) { return x >= 0 ? x : static_cast<decltype(x)>(p.alpha * x); },
      [](const AttrMap& a, UnaryParams* p) { p->alpha = a.get_float("alpha", 0.01f); });
}

}  // namespace qedge::ref
