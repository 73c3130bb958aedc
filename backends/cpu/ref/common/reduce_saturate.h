// Conversions from a computed double to a storage type that never hit float->int UB:
// integers round (half to even, as numpy's rint) and saturate to the type's range.
#pragma once

#include <cmath>
#include <limits>

#include "dispatch.h"

namespace qedge::ref {

template <typename T>
T saturate_round(double v) {
  if constexpr (is_float_v<T>) {
    return to_storage<T>(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v != 0.0;
  } else {
    if (std::isnan(v)) return T{0};
    const double r = std::nearbyint(v);  // default rounding mode: half to even
    if (r <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    // max() of 64-bit types is not exactly representable: compare against 2^bits, the next double up.
    if (r >= std::ldexp(1.0, std::numeric_limits<T>::digits)) return std::numeric_limits<T>::max();
    return static_cast<T>(r);
  }
}

}  // namespace qedge::ref
