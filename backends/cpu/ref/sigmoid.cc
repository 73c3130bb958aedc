#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_sigmoid(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Sigmoid", [](auto x, const UnaryParams&) {
    return sigmoid(x);
  });
}

}  // namespace qedge::ref
