#include "qedge/quant/requant.h"

#include <cmath>
#include <limits>

namespace qedge::quant {
namespace {

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

int32_t clamp_to(int64_t v, IntRange r) {
  return static_cast<int32_t>(v < r.min ? r.min : (v > r.max ? r.max : v));
}

double round_half_even(double v) {
  const double lo = std::floor(v);
  const double frac = v - lo;
  if (frac != 0.5) return frac > 0.5 ? lo + 1.0 : lo;
  return std::fmod(lo, 2.0) == 0.0 ? lo : lo + 1.0;
}

}  // namespace

FixedPointMultiplier quantize_multiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real)) return {};
  int shift = 0;
  const double q = std::frexp(real, &shift);  // real = q * 2^shift, q in [0.5, 1)
  int64_t q_fixed = std::llround(q * 2147483648.0);
  if (q_fixed == (int64_t{1} << 31)) {  // q rounded up to 1.0
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {};
  if (shift > 31) return {kInt32Max, 31};
  return {static_cast<int32_t>(q_fixed), shift};
}

int64_t rounding_shift_right(int64_t v, int n) {
  if (n == 0) return v;
  const int64_t half = int64_t{1} << (n - 1);
  return v >= 0 ? (v + half) >> n : -((-v + half) >> n);
}

int32_t multiply_by_quantized_multiplier(int32_t acc, FixedPointMultiplier m) {
  // |acc * multiplier| < 2^62 and 31 - shift is in 0..62 for the pairs quantize_multiplier makes.
  const int64_t r = rounding_shift_right(static_cast<int64_t>(acc) * m.multiplier, 31 - m.shift);
  return static_cast<int32_t>(r < kInt32Min ? kInt32Min : (r > kInt32Max ? kInt32Max : r));
}

int32_t requantize_float(int32_t acc, float scale, int32_t zero_point, IntRange out) {
  const double v = round_half_even(static_cast<double>(acc) * scale) + zero_point;
  if (!(v >= static_cast<double>(out.min))) return static_cast<int32_t>(out.min);  // also NaN
  if (v > static_cast<double>(out.max)) return static_cast<int32_t>(out.max);
  return static_cast<int32_t>(v);
}

int32_t requantize_fixed(int32_t acc, FixedPointMultiplier m, int32_t zero_point, IntRange out) {
  return clamp_to(static_cast<int64_t>(multiply_by_quantized_multiplier(acc, m)) + zero_point, out);
}

}  // namespace qedge::quant
