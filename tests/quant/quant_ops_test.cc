#include "qedge/quant/quant_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "qedge/quant/int_range.h"
#include "test_data.h"

namespace qedge::quant {
namespace {

using testing::Json;
using testing::qonnx_vectors;
using testing::shared_path;

const char* const kVectors = "docs/qonnx-vectors/vectors.json";

TEST(QuantIntRange, TableOfTheSemanticsDoc) {
  EXPECT_EQ(int_range(8, true, false).min, -128);
  EXPECT_EQ(int_range(8, true, false).max, 127);
  EXPECT_EQ(int_range(8, true, true).min, -127);
  EXPECT_EQ(int_range(8, false, false).max, 255);
  EXPECT_EQ(int_range(8, false, true).max, 254);
  EXPECT_EQ(int_range(32, true, false).min, -2147483648LL);
  EXPECT_EQ(int_range(32, false, false).max, 4294967295LL);
  // 1-bit signed is bipolar whatever narrow says; 1-bit unsigned is [0, 1] ([0, 0] narrow).
  EXPECT_TRUE(is_bipolar(1, true));
  EXPECT_EQ(int_range(1, true, true).min, -1);
  EXPECT_EQ(int_range(1, true, true).max, 1);
  EXPECT_EQ(int_range(1, false, false).max, 1);
  EXPECT_EQ(int_range(1, false, true).max, 0);
  EXPECT_FALSE(valid_bits(0));
  EXPECT_FALSE(valid_bits(33));
}

// vectors.json "quant": derived with qonnx_ref.op_quant (regression vectors, see the semantics doc).
TEST(QuantOps, IntQuantMatchesDerivedVectors) {
  const Json* v = qonnx_vectors();
  QEDGE_REQUIRE_SHARED(v != nullptr, shared_path(kVectors));
  const Json& q = (*v)["quant"];
  const std::vector<float> x_default = q["x_default"].floats();
  ASSERT_EQ(q["cases"].arr.size(), 38u);
  for (const Json& c : q["cases"].arr) {
    IntQuantParams p;
    p.bits = static_cast<int>(c["bitwidth"].num);
    p.is_signed = c["signed"].num != 0;
    p.narrow = c["narrow"].num != 0;
    p.mode = *parse_rounding_mode(c["rounding_mode"].str);
    const std::vector<float> x = c.has("x") ? c["x"].floats() : x_default;
    const std::vector<float> scale = c["scale"].kind == Json::kArray ? c["scale"].floats()
                                                                     : std::vector<float>{static_cast<float>(c["scale"].num)};
    const float zeropt = static_cast<float>(c["zeropt"].num);
    const std::vector<float> want = c["y"].floats();
    ASSERT_EQ(want.size(), x.size());
    // Per-channel scales are [channels, 1] against X [channels, n].
    const size_t per_row = x.size() / scale.size();
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(int_quant_value(x[i], scale[i / per_row], zeropt, p), want[i])
          << "bits=" << p.bits << " signed=" << p.is_signed << " narrow=" << p.narrow << " mode="
          << c["rounding_mode"].str << " x=" << x[i];
    }
  }
}

TEST(QuantOps, BipolarQuantMatchesDerivedVector) {
  const Json* v = qonnx_vectors();
  QEDGE_REQUIRE_SHARED(v != nullptr, shared_path(kVectors));
  const Json& b = (*v)["bipolarquant"];
  const std::vector<float> x = b["x"].floats(), want = b["y"].floats();
  ASSERT_EQ(x.size(), want.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(bipolar_quant_value(x[i], static_cast<float>(b["scale"].num)), want[i]);
  EXPECT_EQ(bipolar_quant_value(-0.0f, 1.0f), 1.0f);
  EXPECT_EQ(bipolar_quant_value(std::nanf(""), 1.0f), -1.0f);
}

TEST(QuantOps, IntQuantEdgeCases) {
  const IntQuantParams u4{4, false, false, RoundingMode::kHalfEven};
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(std::isnan(int_quant_value(std::nanf(""), 1.0f, 0.0f, u4)));
  EXPECT_EQ(int_quant_value(inf, 0.5f, 0.0f, u4), 7.5f);
  EXPECT_EQ(int_quant_value(-inf, 0.5f, 0.0f, u4), 0.0f);
  // X / scale, not X * (1/scale): for x = 7 * 0.3f (2.1000001f), x / 0.3f is exactly 7 in float32 while
  // x * (1 / 0.3f) is 7.0000005, which CEIL would take to 8.
  EXPECT_EQ(int_quant_level(7.0f * 0.3f, 0.3f, 0.0f, IntQuantParams{8, true, false, RoundingMode::kCeil}), 7.0f);
  // 32-bit bounds are the float32 values of the integer bounds.
  const IntQuantParams s32{32, true, false, RoundingMode::kHalfEven};
  EXPECT_EQ(int_quant_value(1e12f, 1.0f, 0.0f, s32), 2147483648.0f);
  // Bipolar: the sign of X/scale + zeropt, no clamp range.
  const IntQuantParams bip{1, true, true, RoundingMode::kHalfEven};
  EXPECT_EQ(int_quant_value(0.0f, 2.0f, 0.0f, bip), 2.0f);
  EXPECT_EQ(int_quant_value(-0.1f, 2.0f, 0.0f, bip), -2.0f);
}

TEST(QuantOps, TruncV1ShiftsWithoutClampingAndKeepsTheInputScale) {
  // q = round(x/scale) = 13 (8 bits -> 4 bits: divide by 16), FLOOR -> 0; CEIL -> 1; scale stays 0.5.
  EXPECT_EQ(trunc_v1_value(6.5f, 0.5f, 0.0f, 8, 4, RoundingMode::kFloor), 0.0f);
  EXPECT_EQ(trunc_v1_value(6.5f, 0.5f, 0.0f, 8, 4, RoundingMode::kCeil), 0.5f);
  // 200 / 4 = 50: no clamp to the 4-bit range in v1.
  EXPECT_EQ(trunc_v1_value(200.0f, 1.0f, 0.0f, 10, 8, RoundingMode::kFloor), 50.0f);
  // The input snap is half-even whatever rounding_mode says: 2.5 -> 2, then 2 / 2 = 1.
  EXPECT_EQ(trunc_v1_value(2.5f, 1.0f, 0.0f, 2, 1, RoundingMode::kCeil), 1.0f);
}

TEST(QuantOps, TruncV2ClampsAndUsesTheOutputScale) {
  const IntQuantParams out{4, true, false, RoundingMode::kFloor};
  // s = 2^round(log2(4 / 1)) = 4; q = 30 -> 7.5 -> clip to 7 -> floor 7 -> 7 * 4 = 28.
  EXPECT_EQ(trunc_v2_value(30.0f, 1.0f, 0.0f, 4.0f, out), 28.0f);
  // q = 13 -> 3.25 -> floor 3 -> 12.
  EXPECT_EQ(trunc_v2_value(13.0f, 1.0f, 0.0f, 4.0f, out), 12.0f);
  // out_scale / scale = 3 is forced to the power of two 4: q = 13 -> 3.25 -> 3 -> 3 * 3.
  EXPECT_EQ(trunc_v2_value(13.0f, 1.0f, 0.0f, 3.0f, out), 9.0f);
  // Negative side clamps to -8.
  EXPECT_EQ(trunc_v2_value(-100.0f, 1.0f, 0.0f, 4.0f, out), -32.0f);
}

// vectors.json "floatquant": qonnx tests/custom_op/test_floatquant.py.
TEST(QuantOps, FloatQuantMatchesUpstreamVectors) {
  const Json* v = qonnx_vectors();
  QEDGE_REQUIRE_SHARED(v != nullptr, shared_path(kVectors));
  const Json& f = (*v)["floatquant"];
  for (const Json& m : f["max_value"].arr) {
    FloatQuantParams p;
    p.exponent_bits = static_cast<float>(m["e"].num);
    p.mantissa_bits = static_cast<float>(m["m"].num);
    p.exponent_bias = default_exponent_bias(p.exponent_bits);
    EXPECT_EQ(float_quant_max(p), static_cast<float>(m["max"].num));
  }
  ASSERT_EQ(f["cases"].arr.size(), 6u);
  for (const Json& c : f["cases"].arr) {
    FloatQuantParams p;
    p.exponent_bits = static_cast<float>(c["e"].num);
    p.mantissa_bits = static_cast<float>(c["m"].num);
    p.exponent_bias = default_exponent_bias(p.exponent_bits);
    EXPECT_EQ(float_quant_value(static_cast<float>(c["x"].num), 1.0f, p), static_cast<float>(c["y"].num))
        << "x=" << c["x"].num;
  }
}

TEST(QuantOps, FloatQuantRoundsSubnormalsAndHonoursSaturation) {
  FloatQuantParams e4m3;  // bias 7: subnormal step 2^-9, max 480 (OCP's 448 needs max_val)
  EXPECT_EQ(float_quant_max(e4m3), 480.0f);
  EXPECT_EQ(float_quant_value(0.0029296875f, 1.0f, e4m3), 0.00390625f);     // 1.5 * 2^-9: tie -> 2 * 2^-9
  EXPECT_EQ(float_quant_value(0.00244140625f, 1.0f, e4m3), 0.001953125f);   // 1.25 * 2^-9 -> 1 * 2^-9
  EXPECT_EQ(float_quant_value(1.0625f, 1.0f, e4m3), 1.0f);                  // tie at 1 + 2^-4 -> even 1.0
  EXPECT_EQ(float_quant_value(-3.3f, 2.0f, e4m3), -3.25f);                  // -1.65 -> -1.625, times 2
  e4m3.has_max_val = true;
  e4m3.max_val = 448.0f;
  EXPECT_EQ(float_quant_value(1000.0f, 1.0f, e4m3), 448.0f);
  e4m3.saturation = false;
  e4m3.has_nan = true;
  EXPECT_TRUE(std::isnan(float_quant_value(1000.0f, 1.0f, e4m3)));
  e4m3.has_inf = true;
  EXPECT_EQ(float_quant_value(-1000.0f, 1.0f, e4m3), -std::numeric_limits<float>::infinity());
}

// The 6x3x2x2 NCHW / 3x7 vector of qonnx tests/custom_op/test_multithreshold.py.
TEST(QuantOps, MultiThresholdMatchesUpstreamVector) {
  testing::NpyArray x, thr, want;
  const std::string dir = shared_path("docs/qonnx-vectors/");
  const bool ok = testing::read_npy(dir + "multithreshold_input.npy", &x) &&
                  testing::read_npy(dir + "multithreshold_thresholds.npy", &thr) &&
                  testing::read_npy(dir + "multithreshold_output.npy", &want);
  QEDGE_REQUIRE_SHARED(ok, dir + "multithreshold_*.npy");
  ASSERT_EQ(x.shape, (std::vector<int64_t>{6, 3, 2, 2}));
  ASSERT_EQ(thr.shape, (std::vector<int64_t>{3, 7}));
  for (size_t i = 0; i < x.data.size(); ++i) {
    const int64_t c = (static_cast<int64_t>(i) / 4) % 3;
    EXPECT_EQ(static_cast<float>(multithreshold_count(x.data[i], thr.data.data() + c * 7, 7)), want.data[i]) << i;
  }
  EXPECT_EQ(multithreshold_count(std::nanf(""), thr.data.data(), 7), 0);
  EXPECT_EQ(multithreshold_count(0.8f, thr.data.data(), 7), 1);  // equal to a threshold counts
}

}  // namespace
}  // namespace qedge::quant
