#include "common/math_variadic.h"

namespace qedge::ref {

void register_max(KernelRegistry& r) {
  register_variadic<kNumericTypes>(r, "Max", [](auto a, auto b) { return nan_max(a, b); });
}

}  // namespace qedge::ref
