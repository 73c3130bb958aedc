#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_tanh(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Tanh", [](auto x, const UnaryParams&) {
    return std::tanh(x);
  });
}

}  // namespace qedge::ref
