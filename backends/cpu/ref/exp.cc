#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_exp(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Exp", [](auto x, const UnaryParams&) {
    return std::exp(x);
  });
}

}  // namespace qedge::ref
