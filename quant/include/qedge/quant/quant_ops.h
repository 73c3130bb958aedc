// Element functions of the QONNX quantization operators (shared/docs/qonnx-semantics.md).
// All arithmetic is float32, as in qonnx's numpy executor: X / scale (true division, never X * (1/scale)),
// clamp, then round. NaN stays NaN through the integer quantizers; +-inf clamps to the range ends.
#pragma once

#include <cstdint>

#include "qedge/quant/int_range.h"
#include "qedge/quant/rounding.h"

namespace qedge::quant {

struct IntQuantParams {
  int bits = 8;  // 1..32
  bool is_signed = true;
  bool narrow = false;
  RoundingMode mode = RoundingMode::kHalfEven;
};

// The float32 clamp bounds of a range (above 24 bits 2^(b-1)-1 rounds to 2^(b-1), as in qonnx).
float range_min_f(const IntQuantParams& p);
float range_max_f(const IntQuantParams& p);

// Quant / IntQuant: the integer q = R(clip(x/scale + zeropt)); bipolar (1-bit signed) gives +-1 without rounding.
float int_quant_level(float x, float scale, float zeropt, const IntQuantParams& p);
// Quant / IntQuant fake-quantized output (q - zeropt) * scale.
float int_quant_value(float x, float scale, float zeropt, const IntQuantParams& p);

// BipolarQuant: (x >= 0 ? +1 : -1) * scale; 0 and -0 give +1, NaN gives -1.
float bipolar_quant_value(float x, float scale);

// Trunc v1 (5 inputs): q = round_half_even(x/scale + zeropt); t = R(q / 2^(in_bits - out_bits));
// (t - zeropt) * scale. No clamping.
float trunc_v1_value(float x, float scale, float zeropt, float in_bits, float out_bits, RoundingMode mode);

// Trunc v2 (6 inputs): the shift s = 2^round(log2(out_scale/scale)); t = R(clip(q / s, out range));
// (t - zeropt / s) * out_scale. `out.bits` is the output bit width; in_bitwidth is unused by v2.
float trunc_v2_value(float x, float scale, float zeropt, float out_scale, const IntQuantParams& out);

struct FloatQuantParams {
  float exponent_bits = 4;
  float mantissa_bits = 3;
  float exponent_bias = 7;
  float max_val = 0;       // used when has_max_val
  bool has_max_val = false;
  bool has_inf = false;
  bool has_nan = false;
  bool saturation = true;  // false: beyond +-max gives +-inf (has_inf), else NaN (has_nan), else clamps
  RoundingMode mode = RoundingMode::kHalfEven;
};

// The default exponent bias of an E-bit exponent: 2^(E-1) - 1.
float default_exponent_bias(float exponent_bits);
// Largest finite value: (2 - 2^-M) * 2^(2^E - 1 - B), lowered to max_val when given.
float float_quant_max(const FloatQuantParams& p);
// FloatQuant (minifloat fake-quantization, always signed) with subnormals.
float float_quant_value(float x, float scale, const FloatQuantParams& p);

// MultiThreshold: how many of the `steps` thresholds x reaches (x >= t); NaN reaches none.
int64_t multithreshold_count(float x, const float* thresholds, int64_t steps);

}  // namespace qedge::quant
