#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_acos(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Acos", [](auto x, const UnaryParams&) {
    return std::acos(x);
  });
}

}  // namespace qedge::ref
