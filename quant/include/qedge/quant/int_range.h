// Integer range of a b-bit quantized value (QONNX Quant semantics).
#pragma once

#include <cstdint>

namespace qedge::quant {

struct IntRange {
  int64_t min = 0;
  int64_t max = 0;
};

// QONNX treats a 1-bit signed quantizer as bipolar {-1, +1}, whatever `narrow` says.
constexpr bool is_bipolar(int bits, bool is_signed) { return bits == 1 && is_signed; }

// [q_min, q_max] for bits in 1..32. `narrow` drops the most negative value of a signed range and the
// largest value of an unsigned one (as qonnx and Brevitas do). Bipolar gives [-1, +1] (0 excluded).
constexpr IntRange int_range(int bits, bool is_signed, bool narrow) {
  if (is_bipolar(bits, is_signed)) return {-1, 1};
  if (is_signed) {
    const int64_t half = int64_t{1} << (bits - 1);
    return {-half + (narrow ? 1 : 0), half - 1};
  }
  return {0, (int64_t{1} << bits) - 1 - (narrow ? 1 : 0)};
}

// Whether `bits` is a width int_range accepts.
constexpr bool valid_bits(int64_t bits) { return bits >= 1 && bits <= 32; }

}  // namespace qedge::quant
