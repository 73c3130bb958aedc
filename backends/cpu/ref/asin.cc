#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_asin(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Asin", [](auto x, const UnaryParams&) {
    return std::asin(x);
  });
}

}  // namespace qedge::ref
