#include "qedge/quant/rounding.h"

#include <cctype>
#include <string>

namespace qedge::quant {

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

}  // namespace qedge::quant
