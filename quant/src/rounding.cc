#include "qedge/quant/rounding.h"

#include <cctype>
#include <cmath>
#include <string>

namespace qedge::quant {
namespace {

// numpy's sign(): -1, 0 or +1 (NaN passes through).
float sign_of(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); }

// floor without a library call: below 2^23 in magnitude through a truncating int conversion, above it (and for
// NaN and infinities) v is its own floor. Same result as std::floor, including -0.0.
float floor_value(float v) {
  if (!(std::fabs(v) < 8388608.0f)) return v;
  const float t = static_cast<float>(static_cast<int32_t>(v));
  return t > v ? t - 1.0f : (t == 0.0f ? std::copysign(t, v) : t);
}

float round_half_even_magnitude(float v) {
  const float lo = floor_value(v);
  const float frac = v - lo;  // exact: below 2^23 floats have a fraction, above they are integers
  if (frac > 0.5f) return lo + 1.0f;
  if (frac < 0.5f) return lo;
  // A tie: |v| < 2^23, so lo is a small whole number and its parity an integer test.
  return (static_cast<int64_t>(lo) & 1) == 0 ? lo : lo + 1.0f;
}

// Explicit instead of nearbyintf so a caller's fesetround cannot change the result; like nearbyintf (and
// numpy's round) it keeps the sign of zero: -0.3 rounds to -0.0.
float round_half_even(float v) { return std::copysign(round_half_even_magnitude(v), v); }

}  // namespace

std::optional<RoundingMode> parse_rounding_mode(std::string_view name) {
  std::string up(name);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "ROUND" || up == "HALF_EVEN") return RoundingMode::kHalfEven;
  if (up == "HALF_UP") return RoundingMode::kHalfUp;
  if (up == "HALF_DOWN") return RoundingMode::kHalfDown;
  if (up == "CEIL") return RoundingMode::kCeil;
  if (up == "FLOOR") return RoundingMode::kFloor;
  if (up == "UP") return RoundingMode::kUp;
  if (up == "DOWN") return RoundingMode::kDown;
  return std::nullopt;
}

const char* rounding_mode_name(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfEven: return "ROUND";
    case RoundingMode::kHalfUp: return "HALF_UP";
    case RoundingMode::kHalfDown: return "HALF_DOWN";
    case RoundingMode::kCeil: return "CEIL";
    case RoundingMode::kFloor: return "FLOOR";
    case RoundingMode::kUp: return "UP";
    case RoundingMode::kDown: return "DOWN";
  }
  return "?";
}

float round_value(float v, RoundingMode mode) {
  switch (mode) {
    case RoundingMode::kHalfEven: return round_half_even(v);
    case RoundingMode::kHalfUp: return sign_of(v) * std::floor(std::fabs(v) + 0.5f);
    case RoundingMode::kHalfDown: return sign_of(v) * std::ceil(std::fabs(v) - 0.5f);
    case RoundingMode::kCeil: return std::ceil(v);
    case RoundingMode::kFloor: return floor_value(v);
    case RoundingMode::kUp: return sign_of(v) * std::ceil(std::fabs(v));
    case RoundingMode::kDown: return std::trunc(v);
  }
  return v;
}

}  // namespace qedge::quant
