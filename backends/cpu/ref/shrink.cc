#include <type_traits>

#include "common/math_scalar.h"
#include "common/unary.h"

namespace qedge::ref {

void register_shrink(KernelRegistry& r) {
  register_unary<kNumericTypes>(
      r, "Shrink",
      [](auto x, const UnaryParams& p) {
        using C = decltype(x);
        const double v = static_cast<double>(x);
        const double y = v < -p.alpha ? v + p.beta : (v > p.alpha ? v - p.beta : 0.0);
        // Integer inputs convert back with a defined result even when the bias pushes y out of range.
        if constexpr (std::is_integral_v<C>) {
          return float_to_int<C>(y);
        } else {
          return y;
        }
      },
      [](const AttrMap& a, UnaryParams* p) {
        // alpha is the attribute lambd, beta is bias.
        p->alpha = a.get_float("lambd", 0.5f);
        p->beta = a.get_float("bias", 0.0f);
      });
}

}  // namespace qedge::ref
