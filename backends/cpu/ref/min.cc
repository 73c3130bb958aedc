#include "common/math_variadic.h"

namespace qedge::ref {

void register_min(KernelRegistry& r) {
  register_variadic<kNumericTypes>(r, "Min", [](auto a, auto b) { return nan_min(a, b); });
}

}  // namespace qedge::ref
