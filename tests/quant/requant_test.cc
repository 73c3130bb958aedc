#include "qedge/quant/requant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace qedge::quant {
namespace {

TEST(QuantRequant, QuantizesMultipliersLikeTflite) {
  auto m = quantize_multiplier(0.5);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 0);
  m = quantize_multiplier(0.25);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, -1);
  m = quantize_multiplier(3.0);  // 0.75 * 2^2
  EXPECT_EQ(m.multiplier, 3 << 29);
  EXPECT_EQ(m.shift, 2);
  // q rounds up to 1.0: renormalised to 0.5 * 2^(shift+1).
  m = quantize_multiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 1);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  EXPECT_EQ(quantize_multiplier(-1.0).multiplier, 0);
  EXPECT_EQ(quantize_multiplier(1e-12).multiplier, 0);
}

TEST(QuantRequant, RoundingShiftRoundsHalfAwayFromZero) {
  EXPECT_EQ(rounding_shift_right(3, 1), 2);
  EXPECT_EQ(rounding_shift_right(-3, 1), -2);
  EXPECT_EQ(rounding_shift_right(5, 2), 1);
  EXPECT_EQ(rounding_shift_right(-5, 2), -1);
  EXPECT_EQ(rounding_shift_right(-6, 2), -2);
  EXPECT_EQ(rounding_shift_right(7, 0), 7);
  EXPECT_EQ(rounding_shift_right(int64_t{1} << 62, 62), 1);
}

TEST(QuantRequant, FixedAndFloatAgreeWithinOneLsb) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> acc_dist(-(1 << 24), 1 << 24);
  std::uniform_real_distribution<float> log_scale(-20.0f, 2.0f);
  const IntRange wide{INT32_MIN, INT32_MAX};
  for (int i = 0; i < 20000; ++i) {
    const float scale = std::exp2(log_scale(rng));
    const int32_t acc = acc_dist(rng);
    const auto m = quantize_multiplier(scale);
    const int32_t f = requantize_float(acc, scale, 0, wide);
    const int32_t x = requantize_fixed(acc, m, 0, wide);
    ASSERT_LE(std::abs(f - x), 1) << "acc=" << acc << " scale=" << scale;
  }
}

TEST(QuantRequant, ClampsAndAddsTheZeroPoint) {
  const IntRange u8{0, 255};
  const auto m = quantize_multiplier(0.1);
  EXPECT_EQ(requantize_float(1000, 0.1f, 128, u8), 228);
  EXPECT_EQ(requantize_fixed(1000, m, 128, u8), 228);
  EXPECT_EQ(requantize_float(100000, 0.1f, 128, u8), 255);
  EXPECT_EQ(requantize_fixed(-100000, m, 128, u8), 0);
  // Multipliers >= 1 shift left first, saturating.
  EXPECT_EQ(requantize_fixed(3, quantize_multiplier(4.0), 0, IntRange{-128, 127}), 12);
  EXPECT_EQ(requantize_fixed(INT32_MAX, quantize_multiplier(4.0), 0, IntRange{INT32_MIN, INT32_MAX}), INT32_MAX);
}

// Documented difference: on exact ties float mode rounds half to even, fixed point half away from zero.
// With scale 2^-k the multiplier is exact, so each mode gives exactly its own rounding of acc * scale.
TEST(QuantRequant, TiesDifferOnlyInTieBreaking) {
  const IntRange wide{INT32_MIN, INT32_MAX};
  for (int k = 1; k <= 8; ++k) {
    const float scale = std::ldexp(1.0f, -k);
    const auto m = quantize_multiplier(scale);
    for (int32_t acc = -2000; acc <= 2000; ++acc) {
      const double exact = acc * static_cast<double>(scale);
      const double away = std::copysign(std::floor(std::fabs(exact) + 0.5), exact);
      const double even = std::nearbyint(exact);
      EXPECT_EQ(requantize_fixed(acc, m, 0, wide), static_cast<int32_t>(away)) << acc << " k=" << k;
      EXPECT_EQ(requantize_float(acc, scale, 0, wide), static_cast<int32_t>(even)) << acc << " k=" << k;
    }
  }
  EXPECT_EQ(requantize_float(5, 0.5f, 0, wide), 2);
  EXPECT_EQ(requantize_fixed(5, quantize_multiplier(0.5), 0, wide), 3);
  EXPECT_EQ(requantize_fixed(-5, quantize_multiplier(0.5), 0, wide), -3);
}

}  // namespace
}  // namespace qedge::quant
