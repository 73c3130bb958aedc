#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_asinh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Asinh", [](auto x, const UnaryParams&) {
    return std::asinh(x);
  });
}

}  // namespace qedge::ref
