#include <cmath>

#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_mish(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Mish", [](auto x, const UnaryParams&) {
    return x * std::tanh(softplus(x));
  });
}

}  // namespace qedge::ref
