#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_sqrt(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Sqrt", [](auto x, const UnaryParams&) {
    return std::sqrt(x);
  });
}

}  // namespace qedge::ref
