#include "qedge/quant/quant_ops.h"

#include <cmath>
#include <limits>

namespace qedge::quant {
namespace {

// Clamp that keeps NaN (both comparisons are false), like numpy's clip.
float clip(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

float range_min_f(const IntQuantParams& p) {
  return static_cast<float>(int_range(p.bits, p.is_signed, p.narrow).min);
}

float range_max_f(const IntQuantParams& p) {
  return static_cast<float>(int_range(p.bits, p.is_signed, p.narrow).max);
}

float int_quant_level(float x, float scale, float zeropt, const IntQuantParams& p) {
  const float v = x / scale + zeropt;
  if (is_bipolar(p.bits, p.is_signed)) return v >= 0.0f ? 1.0f : -1.0f;
  return round_value(clip(v, range_min_f(p), range_max_f(p)), p.mode);
}

float int_quant_value(float x, float scale, float zeropt, const IntQuantParams& p) {
  return (int_quant_level(x, scale, zeropt, p) - zeropt) * scale;
}

float bipolar_quant_value(float x, float scale) { return (x >= 0.0f ? 1.0f : -1.0f) * scale; }

float trunc_v1_value(float x, float scale, float zeropt, float in_bits, float out_bits, RoundingMode mode) {
  const float q = round_value(x / scale + zeropt, RoundingMode::kHalfEven);
  const float t = round_value(q / std::exp2(in_bits - out_bits), mode);
  return (t - zeropt) * scale;
}

float trunc_v2_value(float x, float scale, float zeropt, float out_scale, const IntQuantParams& out) {
  const float q = round_value(x / scale + zeropt, RoundingMode::kHalfEven);
  const float s = std::exp2(round_value(std::log2(out_scale / scale), RoundingMode::kHalfEven));
  const float t = round_value(clip(q / s, range_min_f(out), range_max_f(out)), out.mode);
  return (t - zeropt / s) * out_scale;
}

float default_exponent_bias(float exponent_bits) { return std::exp2(exponent_bits - 1.0f) - 1.0f; }

float float_quant_max(const FloatQuantParams& p) {
  const float top = (2.0f - std::exp2(-p.mantissa_bits)) *
                    std::exp2(std::exp2(p.exponent_bits) - 1.0f - p.exponent_bias);
  return p.has_max_val ? std::fmin(top, p.max_val) : top;
}

float float_quant_value(float x, float scale, const FloatQuantParams& p) {
  const float xs = x / scale;
  // The quantization step at xs's binade, never below the subnormal step 2^(1 - B - M).
  const float tiny = std::numeric_limits<float>::min();
  const float e = std::fmax(std::floor(std::log2(std::fabs(xs) + tiny)) - p.mantissa_bits,
                            1.0f - p.exponent_bias - p.mantissa_bits);
  const float step = std::exp2(e);
  float q = step * round_value(xs / step, p.mode);
  const float top = float_quant_max(p);
  if (!p.saturation && std::fabs(q) > top) {
    if (p.has_inf) return std::copysign(std::numeric_limits<float>::infinity(), q) * scale;
    if (p.has_nan) return std::numeric_limits<float>::quiet_NaN();
  }
  q = clip(q, -top, top);
  return q * scale;
}

int64_t multithreshold_count(float x, const float* thresholds, int64_t steps) {
  int64_t n = 0;
  for (int64_t j = 0; j < steps; ++j) n += x >= thresholds[j] ? 1 : 0;
  return n;
}

}  // namespace qedge::quant
