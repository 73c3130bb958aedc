#include <cmath>

#include "common/unary.h"

namespace qedge::ref {

void register_round(KernelRegistry& r) {
  register_unary<kFloatTypes>(r, "Round", [](auto x, const UnaryParams&) {
    // nearbyint rounds half to even in the default rounding mode, as ONNX Round requires.
    return std::nearbyint(x);
  });
}

}  // namespace qedge::ref
