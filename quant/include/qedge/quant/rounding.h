// QONNX rounding modes, shared by Quant, Trunc and FloatQuant.
#pragma once

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

// Rounds in float32 exactly as qonnx's numpy formulas do (HALF_UP is sign(v)*floor(|v|+0.5), etc.).
// Independent of the floating-point environment's rounding mode. NaN and +-inf pass through.
float round_value(float v, RoundingMode mode);

}  // namespace qedge::quant
