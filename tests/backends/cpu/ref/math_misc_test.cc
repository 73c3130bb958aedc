// Cast, CastLike, BitCast, Clip, Where, Identity and Dropout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

AttrMap to_attr(DType t) {
  AttrMap a;
  a.set(int_attr("to", static_cast<int64_t>(t)));
  return a;
}

TEST(MathCast, FloatToInt4WrapsAndPacksLowNibbleFirst) {
  // From test_cast_FLOAT_to_INT4: -9 wraps to 7, -8 stays -8.
  auto x = make_tensor<float>(DType::kFloat32, {3}, {-9, -8, 7});
  auto out = run_ref_kernel("Cast", to_attr(DType::kInt4), {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kInt4);
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{0x87, 0x07}));
}

TEST(MathCast, Int4ToFloatSignExtends) {
  auto x = make_tensor<uint8_t>(DType::kInt4, {3}, {0x87, 0x0f});
  auto out = run_ref_kernel("Cast", to_attr(DType::kFloat32), {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{7, -8, -1}));
  auto u = make_tensor<uint8_t>(DType::kUint4, {2}, {0xf1});
  auto uout = run_ref_kernel("Cast", to_attr(DType::kUint8), {u});
  ASSERT_TRUE(uout.ok());
  EXPECT_EQ(values_of<uint8_t>(uout->at(0)), (std::vector<uint8_t>{1, 15}));
}

TEST(MathCast, FloatToIntIsDefinedForNaNAndOverflow) {
  const float inf = std::numeric_limits<float>::infinity();
  auto x = make_tensor<float>(DType::kFloat32, {5}, {std::nanf(""), inf, -inf, -2.7f, 1e30f});
  auto out = run_ref_kernel("Cast", to_attr(DType::kInt64), {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int64_t>(out->at(0)),
            (std::vector<int64_t>{0, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), -2,
                                  std::numeric_limits<int64_t>::max()}));
}

TEST(MathCast, DoubleToFloat16RoundsOnce) {
  // 1 + 2^-11 + 2^-40 lies just above the float16 halfway point: it must round up, but rounding to
  // float first would land exactly on the tie and round down to even.
  const double v = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  auto x = make_tensor<double>(DType::kFloat64, {1}, {v});
  auto out = run_ref_kernel("Cast", to_attr(DType::kFloat16), {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(static_cast<float>(values_of<Float16>(out->at(0))[0]), 1.0f + std::ldexp(1.0f, -10));
}

TEST(MathCast, ToBoolAndFromBool) {
  auto x = make_tensor<float>(DType::kFloat32, {3}, {0, -0.5f, 2});
  auto out = run_ref_kernel("Cast", to_attr(DType::kBool), {x});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{0, 1, 1}));
  auto back = run_ref_kernel("Cast", to_attr(DType::kBFloat16), {out->at(0)});
  ASSERT_TRUE(back.ok());
  auto v = values_of<BFloat16>(back->at(0));
  EXPECT_EQ(static_cast<float>(v[0]), 0.0f);
  EXPECT_EQ(static_cast<float>(v[2]), 1.0f);
}

TEST(MathCast, RejectsUnsupportedTarget) {
  auto x = make_tensor<float>(DType::kFloat32, {1}, {1});
  auto out = run_ref_kernel("Cast", to_attr(DType::kFloat8E4M3FN), {x});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnsupported);
  auto bad = run_ref_kernel("Cast", to_attr(static_cast<DType>(99)), {x});
  ASSERT_FALSE(bad.ok());
}

TEST(MathCast, TypeNameBeforeOpset6) {
  AttrMap attrs;
  attrs.set(string_attr("to", "INT32"));
  auto x = make_tensor<float>(DType::kFloat32, {2}, {2.9f, -2.9f});
  auto out = run_ref_kernel("Cast", attrs, {x}, 1, 1);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{2, -2}));
  AttrMap unknown;
  unknown.set(string_attr("to", "QUATERNION"));
  EXPECT_FALSE(run_ref_kernel("Cast", unknown, {x}, 1, 1).ok());
}

TEST(MathCast, CastLikeTakesTargetTypeFromSecondInput) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1.5f, -300});
  auto like = make_tensor<int16_t>(DType::kInt16, {0}, {});
  auto out = run_ref_kernel("CastLike", {}, {x, like});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kInt16);
  EXPECT_EQ(values_of<int16_t>(out->at(0)), (std::vector<int16_t>{1, -300}));
}

TEST(MathBitCast, ReinterpretsBitsAndChecksSizes) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1.0f, -0.0f});
  auto out = run_ref_kernel("BitCast", to_attr(DType::kInt32), {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{0x3f800000, std::numeric_limits<int32_t>::min()}));
  auto bad = run_ref_kernel("BitCast", to_attr(DType::kInt64), {x});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("int64"), std::string::npos);
}

TEST(MathClip, AttributesBeforeOpset11) {
  AttrMap attrs;
  attrs.set(float_attr("min", -1));
  attrs.set(float_attr("max", 1));
  auto x = make_tensor<float>(DType::kFloat32, {3}, {-2, 0.5f, 3});
  auto out = run_ref_kernel("Clip", attrs, {x}, 1, 6);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-1, 0.5f, 1}));
}

TEST(MathClip, OptionalInputsAndMinGreaterThanMax) {
  auto x = make_tensor<int8_t>(DType::kInt8, {3}, {-100, 5, 100});
  auto hi = make_tensor<int8_t>(DType::kInt8, {}, {10});
  auto only_max = run_ref_kernel("Clip", {}, {x, std::nullopt, hi});
  ASSERT_TRUE(only_max.ok()) << only_max.status().message();
  EXPECT_EQ(values_of<int8_t>(only_max->at(0)), (std::vector<int8_t>{-100, 5, 10}));
  auto lo = make_tensor<int8_t>(DType::kInt8, {}, {20});
  auto inverted = run_ref_kernel("Clip", {}, {x, lo, hi});
  ASSERT_TRUE(inverted.ok());
  EXPECT_EQ(values_of<int8_t>(inverted->at(0)), (std::vector<int8_t>{10, 10, 10}));
}

TEST(MathClip, RejectsNonScalarBound) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto bound = make_tensor<float>(DType::kFloat32, {2}, {0, 1});
  auto out = run_ref_kernel("Clip", {}, {x, bound});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2]"), std::string::npos);
}

TEST(MathWhere, ThreeWayBroadcast) {
  auto cond = make_tensor<uint8_t>(DType::kBool, {2, 1}, {1, 0});
  auto x = make_tensor<int64_t>(DType::kInt64, {1, 3}, {1, 2, 3});
  auto y = make_tensor<int64_t>(DType::kInt64, {}, {-1});
  auto out = run_ref_kernel("Where", {}, {cond, x, y});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 3}));
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{1, 2, 3, -1, -1, -1}));
}

TEST(MathWhere, RejectsNonBoolCondition) {
  auto c = make_tensor<float>(DType::kFloat32, {1}, {1});
  auto out = run_ref_kernel("Where", {}, {c, c, c});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bool"), std::string::npos);
}

TEST(MathIdentity, CopiesPackedInt4) {
  auto x = make_tensor<uint8_t>(DType::kInt4, {3}, {0x21, 0x03});
  auto out = run_ref_kernel("Identity", {}, {x});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at(0).dtype, DType::kInt4);
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{0x21, 0x03}));
}

TEST(MathDropout, InferencePassesThroughWithMask) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1, -2});
  auto ratio = make_tensor<float>(DType::kFloat32, {}, {0.5f});
  auto out = run_ref_kernel("Dropout", {}, {x, ratio}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, -2}));
  EXPECT_EQ(out->at(1).dtype, DType::kBool);
  EXPECT_EQ(values_of<uint8_t>(out->at(1)), (std::vector<uint8_t>{1, 1}));
}

TEST(MathDropout, TrainingModeNeedsZeroRatio) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1, -2});
  auto train = make_tensor<uint8_t>(DType::kBool, {}, {1});
  auto zero = make_tensor<float>(DType::kFloat32, {}, {0});
  auto ok = run_ref_kernel("Dropout", {}, {x, zero, train});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(values_of<float>(ok->at(0)), (std::vector<float>{1, -2}));
  auto random = run_ref_kernel("Dropout", {}, {x, std::nullopt, train});
  ASSERT_FALSE(random.ok());
  EXPECT_EQ(random.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(random.status().message().find("training_mode"), std::string::npos);
}

}  // namespace
}  // namespace qedge::testing
