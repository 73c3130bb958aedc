// Requantization of an int32 accumulator to a b-bit output, in two modes:
//  - float scale: round_half_even(acc * scale) + zero_point, clamped (acc * scale in double);
//  - fixed point (the gemmlowp / TFLite multiplier): real ~= multiplier * 2^(shift - 31) with an int32
//    multiplier in [2^30, 2^31); acc * multiplier is exact in int64 and one rounding right shift by
//    31 - shift gives the result (TFLite's single-rounding variant), + zero_point, clamped.
// The modes agree within 1 LSB. Exact ties differ: float rounds half to even, fixed point rounds half away
// from zero (symmetric; TFLite's single rounding breaks ties toward +inf instead).
#pragma once

#include <cstdint>

#include "qedge/quant/int_range.h"

namespace qedge::quant {

// real ~= multiplier * 2^-31 * 2^shift, multiplier in [2^30, 2^31) (0 for a zero or negligible real).
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int shift = 0;  // > 0: left shift before the multiply; < 0: rounding right shift after it
};

// Derives the fixed-point pair from a non-negative finite real multiplier (TFLite QuantizeMultiplier):
// reals below 2^-32 become 0; reals of 2^31 and above saturate to the largest representable pair.
FixedPointMultiplier quantize_multiplier(double real);

// round(v / 2^n), half away from zero; n in 0..62 and |v| <= 2^62.
int64_t rounding_shift_right(int64_t v, int n);
// round(acc * real) for the pair quantize_multiplier(real) gave, saturated to int32.
int32_t multiply_by_quantized_multiplier(int32_t acc, FixedPointMultiplier m);

int32_t requantize_float(int32_t acc, float scale, int32_t zero_point, IntRange out);
int32_t requantize_fixed(int32_t acc, FixedPointMultiplier m, int32_t zero_point, IntRange out);

}  // namespace qedge::quant
