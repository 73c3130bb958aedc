#include "common/math_variadic.h"

namespace qedge::ref {

void register_mean(KernelRegistry& r) {
  register_variadic<kFloatTypes>(r, "Mean", [](auto a, auto b) { return a + b; }, /*mean=*/true);
}

}  // namespace qedge::ref
