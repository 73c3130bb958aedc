#include <type_traits>

#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_abs(KernelRegistry& r) {
  register_unary<kNumericTypes>(r, "Abs", [](auto x, const UnaryParams&) {
    using C = decltype(x);
    if constexpr (std::is_unsigned_v<C>) {
      return x;
    } else {
      return x < C(0) ? negate(x) : x;
    }
  });
}

}  // namespace qedge::ref
