// Scalar arithmetic for the math family with defined results for every input: integer division
// and modulo by zero give 0, INT_MIN / -1 wraps, float-to-int conversions saturate.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "int_math.h"

namespace qedge::ref {

template <typename C>
bool is_nan(C x) {
  if constexpr (std::is_floating_point_v<C>) {
    return std::isnan(x);
  } else {
    return false;
  }
}

template <typename C>
C negate(C x) {
  if constexpr (std::is_integral_v<C>) {
    return wrap_sub(C(0), x);
  } else {
    return -x;
  }
}

// Integer division truncates toward zero as C does (what the ONNX tests expect); x / 0 is 0.
template <typename C>
C safe_div(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    if (b == 0) return C(0);
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return wrap_sub(C(0), a);  // avoids the INT_MIN / -1 overflow
    }
    return static_cast<C>(a / b);
  } else {
    return a / b;
  }
}

// Remainder with the sign of the dividend (C fmod and %); x mod 0 is 0 for integers.
template <typename C>
C trunc_mod(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    if (b == 0) return C(0);
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return C(0);
    }
    return static_cast<C>(a % b);
  } else {
    return std::fmod(a, b);
  }
}

// Remainder with the sign of the divisor (Python and numpy mod).
template <typename C>
C floor_mod(C a, C b) {
  C r = trunc_mod(a, b);
  if constexpr (std::is_signed_v<C> || std::is_floating_point_v<C>) {
    if (r != C(0) && ((r < C(0)) != (b < C(0)))) r = static_cast<C>(r + b);
  }
  return r;
}

// Float to integer: truncates, NaN gives 0, values beyond int64 (uint64 for uint64) saturate, and
// narrower integer types then keep the low bits as numpy's astype does on common hardware.
template <typename Dst, typename F>
Dst float_to_int(F v) {
  const double d = static_cast<double>(v);
  if (std::isnan(d)) return Dst(0);
  const double t = std::trunc(d);
  constexpr double kTwo63 = 9223372036854775808.0;
  if constexpr (std::is_same_v<Dst, uint64_t>) {
    if (t >= 2.0 * kTwo63) return std::numeric_limits<uint64_t>::max();
    if (t >= 0) return static_cast<uint64_t>(t);
  }
  int64_t i;
  if (t >= kTwo63) {
    i = std::numeric_limits<int64_t>::max();
  } else if (t < -kTwo63) {
    i = std::numeric_limits<int64_t>::min();
  } else {
    i = static_cast<int64_t>(t);
  }
  return static_cast<Dst>(i);
}

template <typename C>
C sigmoid(C x) {
  // Split by sign so that exp never overflows.
  if (x >= C(0)) return C(1) / (C(1) + std::exp(-x));
  const C e = std::exp(x);
  return e / (C(1) + e);
}

template <typename C>
C softplus(C x) {
  // log(1 + exp(x)) without overflow for large x.
  return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

}  // namespace qedge::ref
