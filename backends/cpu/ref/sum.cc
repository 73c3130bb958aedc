#include "common/int_math.h"
#include "common/math_variadic.h"

namespace qedge::ref {

void register_sum(KernelRegistry& r) {
  register_variadic<kNumericTypes>(r, "Sum", [](auto a, auto b) { return wrap_add(a, b); });
}

}  // namespace qedge::ref
