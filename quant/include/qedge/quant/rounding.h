// QONNX rounding modes, shared by Quant, Trunc and FloatQuant.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace qedge::quant {

// Same numbering as RoundingMode in format/qedge.fbs.
enum class RoundingMode : uint8_t {
  kHalfEven = 0,  // QONNX "ROUND" / "HALF_EVEN": nearest, ties to even
  kHalfUp = 1,    // nearest, ties away from zero
  kHalfDown = 2,  // nearest, ties toward zero
  kCeil = 3,
  kFloor = 4,
  kUp = 5,        // away from zero
  kDown = 6,      // toward zero
};

// Parses a QONNX rounding_mode name, case-insensitively; nullopt for an unknown name.
std::optional<RoundingMode> parse_rounding_mode(std::string_view name);

// The canonical QONNX name ("ROUND" for half-even).
const char* rounding_mode_name(RoundingMode mode);

namespace detail {

// numpy's sign(): -1, 0 or +1 (NaN passes through).
inline float sign_of(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); }

// floor without a library call: below 2^23 in magnitude through a truncating int conversion, above it (and for
// NaN and infinities) v is its own floor. Same result as std::floor, including -0.0.
inline float floor_value(float v) {
  if (!(std::fabs(v) < 8388608.0f)) return v;
  const float t = static_cast<float>(static_cast<int32_t>(v));
  return t > v ? t - 1.0f : (t == 0.0f ? std::copysign(t, v) : t);
}

inline float round_half_even_magnitude(float v) {
  const float lo = floor_value(v);
  const float frac = v - lo;  // exact: below 2^23 floats have a fraction, above they are integers
  if (frac > 0.5f) return lo + 1.0f;
  if (frac < 0.5f) return lo;
  // A tie: |v| < 2^23, so lo is a small whole number and its parity an integer test.
  return (static_cast<int64_t>(lo) & 1) == 0 ? lo : lo + 1.0f;
}

// Explicit instead of nearbyintf so a caller's fesetround cannot change the result; like nearbyintf (and
// numpy's round) it keeps the sign of zero: -0.3 rounds to -0.0.
inline float round_half_even(float v) { return std::copysign(round_half_even_magnitude(v), v); }

}  // namespace detail

// Rounds in float32 exactly as qonnx's numpy formulas do (HALF_UP is sign(v)*floor(|v|+0.5), etc.).
// Independent of the floating-point environment's rounding mode. NaN and +-inf pass through. Inline: the
// integer kernels call it once per output element.
inline float round_value(float v, RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfEven: return detail::round_half_even(v);
    case RoundingMode::kHalfUp: return detail::sign_of(v) * std::floor(std::fabs(v) + 0.5f);
    case RoundingMode::kHalfDown: return detail::sign_of(v) * std::ceil(std::fabs(v) - 0.5f);
    case RoundingMode::kCeil: return std::ceil(v);
    case RoundingMode::kFloor: return detail::floor_value(v);
    case RoundingMode::kUp: return detail::sign_of(v) * std::ceil(std::fabs(v));
    case RoundingMode::kDown: return std::trunc(v);
  }
  return v;
}

}  // namespace qedge::quant
