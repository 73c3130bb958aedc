#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_tan(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Tan", [](auto x, const UnaryParams&) {
    return std::tan(x);
  });
}

}  // namespace qedge::ref
