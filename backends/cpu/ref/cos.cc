#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_cos(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Cos", [](auto x, const UnaryParams&) {
    return std::cos(x);
  });
}

}  // namespace qedge::ref
