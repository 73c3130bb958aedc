#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_atanh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Atanh", [](auto x, const UnaryParams&) {
    return std::atanh(x);
  });
}

}  // namespace qedge::ref
