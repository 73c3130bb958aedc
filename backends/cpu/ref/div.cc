#include "common/binary.h"
#include "common/math_scalar.h"

namespace qedge::ref {

void register_div(KernelRegistry& r) {
  register_binary<kNumericTypes>(r, "Div", [](auto a, auto b) { return safe_div(a, b); });
}

}  // namespace qedge::ref
