#include <type_traits>

#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_sign(KernelRegistry& r) {
  register_unary<kNumericTypes>(r, "Sign", [](auto x, const UnaryParams&) {
    using C = decltype(x);
    if (is_nan(x)) return x;
    if constexpr (std::is_unsigned_v<C>) {
      return static_cast<C>(x != 0);
    } else {
      return static_cast<C>(static_cast<int>(C(0) < x) - static_cast<int>(x < C(0)));
    }
  });
}

}  // namespace qedge::ref
