// Binary and variadic math operators: broadcasting, integer edge cases, comparisons, attributes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

template <typename T>
std::vector<T> run_values(const std::string& op, DType dtype, const TensorData& a, const TensorData& b,
                          const AttrMap& attrs = {}) {
  auto out = run_ref_kernel(op, attrs, {a, b});
  EXPECT_TRUE(out.ok()) << op << ": " << out.status().message();
  if (!out.ok()) return {};
  EXPECT_EQ(out->at(0).dtype, dtype);
  return values_of<T>(out->at(0));
}

TEST(MathBinary, SubMulDivBroadcastColumn) {
  auto a = make_tensor<float>(DType::kFloat32, {2, 2}, {10, 20, 30, 40});
  auto b = make_tensor<float>(DType::kFloat32, {2, 1}, {2, 4});
  EXPECT_EQ(run_values<float>("Sub", DType::kFloat32, a, b), (std::vector<float>{8, 18, 26, 36}));
  EXPECT_EQ(run_values<float>("Mul", DType::kFloat32, a, b), (std::vector<float>{20, 40, 120, 160}));
  EXPECT_EQ(run_values<float>("Div", DType::kFloat32, a, b), (std::vector<float>{5, 10, 7.5f, 10}));
}

TEST(MathBinary, IntegerDivisionTruncatesAndIsTotal) {
  auto a = make_tensor<int32_t>(DType::kInt32, {4}, {7, -7, 5, std::numeric_limits<int32_t>::min()});
  auto b = make_tensor<int32_t>(DType::kInt32, {4}, {2, 2, 0, -1});
  EXPECT_EQ(run_values<int32_t>("Div", DType::kInt32, a, b),
            (std::vector<int32_t>{3, -3, 0, std::numeric_limits<int32_t>::min()}));
}

TEST(MathBinary, MulWrapsInt8) {
  auto a = make_tensor<int8_t>(DType::kInt8, {2}, {100, -128});
  auto b = make_tensor<int8_t>(DType::kInt8, {2}, {3, -1});
  EXPECT_EQ(run_values<int8_t>("Mul", DType::kInt8, a, b), (std::vector<int8_t>{44, -128}));
}

TEST(MathBinary, ModSignFollowsDivisorOrDividend) {
  // From test_mod_mixed_sign_int8 (fmod=0) and C fmod semantics (fmod=1).
  auto a = make_tensor<int8_t>(DType::kInt8, {6}, {-4, 7, 5, 4, -7, 8});
  auto b = make_tensor<int8_t>(DType::kInt8, {6}, {2, -3, 8, -2, 3, 5});
  EXPECT_EQ(run_values<int8_t>("Mod", DType::kInt8, a, b), (std::vector<int8_t>{0, -2, 5, 0, 2, 3}));
  AttrMap fmod;
  fmod.set(int_attr("fmod", 1));
  EXPECT_EQ(run_values<int8_t>("Mod", DType::kInt8, a, b, fmod), (std::vector<int8_t>{0, 1, 5, 0, -1, 3}));
  auto fa = make_tensor<float>(DType::kFloat32, {2}, {-4.5f, 4.5f});
  auto fb = make_tensor<float>(DType::kFloat32, {2}, {2, -2});
  EXPECT_EQ(run_values<float>("Mod", DType::kFloat32, fa, fb, fmod), (std::vector<float>{-0.5f, 0.5f}));
}

TEST(MathBinary, ModRejectsBadFmod) {
  AttrMap attrs;
  attrs.set(int_attr("fmod", 2));
  auto a = make_tensor<int32_t>(DType::kInt32, {1}, {1});
  auto out = run_ref_kernel("Mod", attrs, {a, a});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("fmod"), std::string::npos);
}

TEST(MathBinary, PowMixedTypes) {
  // From test_pow_types_int32_float32 and test_pow_types_float32_int64.
  auto xi = make_tensor<int32_t>(DType::kInt32, {3}, {1, 2, 3});
  auto yf = make_tensor<float>(DType::kFloat32, {3}, {4, 5, 6});
  EXPECT_EQ(run_values<int32_t>("Pow", DType::kInt32, xi, yf), (std::vector<int32_t>{1, 32, 729}));
  auto xf = make_tensor<float>(DType::kFloat32, {3}, {1, 2, 3});
  auto yi = make_tensor<int64_t>(DType::kInt64, {1}, {2});
  EXPECT_EQ(run_values<float>("Pow", DType::kFloat32, xf, yi), (std::vector<float>{1, 4, 9}));
  auto neg = make_tensor<int64_t>(DType::kInt64, {3}, {-1, -1, -1});
  auto base = make_tensor<int64_t>(DType::kInt64, {3}, {0, 1, 2});
  EXPECT_EQ(run_values<int64_t>("Pow", DType::kInt64, base, neg), (std::vector<int64_t>{0, 1, 0}));
}

TEST(MathBinary, ComparisonsGiveBool) {
  auto a = make_tensor<uint16_t>(DType::kUint16, {3}, {1, 5, 9});
  auto b = make_tensor<uint16_t>(DType::kUint16, {1}, {5});
  EXPECT_EQ(run_values<uint8_t>("Less", DType::kBool, a, b), (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_EQ(run_values<uint8_t>("GreaterOrEqual", DType::kBool, a, b), (std::vector<uint8_t>{0, 1, 1}));
  EXPECT_EQ(run_values<uint8_t>("Equal", DType::kBool, a, b), (std::vector<uint8_t>{0, 1, 0}));
  auto p = make_tensor<uint8_t>(DType::kBool, {4}, {0, 0, 1, 1});
  auto q = make_tensor<uint8_t>(DType::kBool, {4}, {0, 1, 0, 1});
  EXPECT_EQ(run_values<uint8_t>("Xor", DType::kBool, p, q), (std::vector<uint8_t>{0, 1, 1, 0}));
  EXPECT_EQ(run_values<uint8_t>("Equal", DType::kBool, p, q), (std::vector<uint8_t>{1, 0, 0, 1}));
}

TEST(MathBinary, ComparisonRejectsMixedTypes) {
  auto a = make_tensor<float>(DType::kFloat32, {1}, {1});
  auto b = make_tensor<int32_t>(DType::kInt32, {1}, {1});
  auto out = run_ref_kernel("Less", {}, {a, b});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("int32"), std::string::npos);
}

TEST(MathBinary, BitShiftBothDirections) {
  auto a = make_tensor<uint16_t>(DType::kUint16, {3}, {0xffff, 16, 1});
  auto b = make_tensor<uint16_t>(DType::kUint16, {3}, {4, 2, 16});
  AttrMap left;
  left.set(string_attr("direction", "LEFT"));
  EXPECT_EQ(run_values<uint16_t>("BitShift", DType::kUint16, a, b, left), (std::vector<uint16_t>{0xfff0, 64, 0}));
  AttrMap right;
  right.set(string_attr("direction", "RIGHT"));
  EXPECT_EQ(run_values<uint16_t>("BitShift", DType::kUint16, a, b, right), (std::vector<uint16_t>{0x0fff, 4, 0}));
  auto bad = run_ref_kernel("BitShift", {}, {a, b});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("direction"), std::string::npos);
}

TEST(MathBinary, BitwiseOps) {
  auto a = make_tensor<int8_t>(DType::kInt8, {2}, {0x0f, -1});
  auto b = make_tensor<int8_t>(DType::kInt8, {2}, {0x3c, 0x10});
  EXPECT_EQ(run_values<int8_t>("BitwiseAnd", DType::kInt8, a, b), (std::vector<int8_t>{0x0c, 0x10}));
  EXPECT_EQ(run_values<int8_t>("BitwiseOr", DType::kInt8, a, b), (std::vector<int8_t>{0x3f, -1}));
  EXPECT_EQ(run_values<int8_t>("BitwiseXor", DType::kInt8, a, b), (std::vector<int8_t>{0x33, -17}));
}

TEST(MathBinary, PReluPerChannelSlope) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 2, 2}, {-1, 2, -3, 4});
  auto slope = make_tensor<float>(DType::kFloat32, {2, 1}, {0.5f, 0.25f});
  EXPECT_EQ(run_values<float>("PRelu", DType::kFloat32, x, slope), (std::vector<float>{-0.5f, 2, -0.75f, 4}));
  // Opset 6 had no broadcasting: a 1-D slope of size C applies along axis 1.
  auto old_slope = make_tensor<float>(DType::kFloat32, {2}, {0.5f, 0.25f});
  auto out = run_ref_kernel("PRelu", {}, {x, old_slope}, 1, 6);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-0.5f, 2, -0.75f, 4}));
}

TEST(MathBinary, PReluRejectsSlopeLargerThanX) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {-1, 1});
  auto slope = make_tensor<float>(DType::kFloat32, {3, 2}, {1, 1, 1, 1, 1, 1});
  auto out = run_ref_kernel("PRelu", {}, {x, slope});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[3,2]"), std::string::npos);
}

TEST(MathVariadic, MaxMinPropagateNaNAndBroadcast) {
  const float nan = std::nanf("");
  auto a = make_tensor<float>(DType::kFloat32, {2, 2}, {1, nan, 3, 4});
  auto b = make_tensor<float>(DType::kFloat32, {2}, {2, 0});
  auto c = make_tensor<float>(DType::kFloat32, {1}, {3.5f});
  auto mx = run_ref_kernel("Max", {}, {a, b, c});
  ASSERT_TRUE(mx.ok()) << mx.status().message();
  auto v = values_of<float>(mx->at(0));
  EXPECT_EQ(v[0], 3.5f);
  EXPECT_TRUE(std::isnan(v[1]));
  EXPECT_EQ(v[2], 3.5f);
  EXPECT_EQ(v[3], 4.0f);
  auto mn = run_ref_kernel("Min", {}, {a, b});
  ASSERT_TRUE(mn.ok());
  EXPECT_EQ(values_of<float>(mn->at(0))[2], 2.0f);
}

TEST(MathVariadic, SumMeanAndSingleInput) {
  auto a = make_tensor<float>(DType::kFloat32, {3}, {3, 0, 2});
  auto b = make_tensor<float>(DType::kFloat32, {3}, {1, 3, 4});
  auto sum = run_ref_kernel("Sum", {}, {a, b});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(values_of<float>(sum->at(0)), (std::vector<float>{4, 3, 6}));
  auto mean = run_ref_kernel("Mean", {}, {a, b});
  ASSERT_TRUE(mean.ok());
  EXPECT_EQ(values_of<float>(mean->at(0)), (std::vector<float>{2, 1.5f, 3}));
  auto one = run_ref_kernel("Max", {}, {a});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(values_of<float>(one->at(0)), (std::vector<float>{3, 0, 2}));
}

TEST(MathVariadic, IntegerMaxAndMismatchedTypes) {
  auto a = make_tensor<int64_t>(DType::kInt64, {2}, {-5, 7});
  auto b = make_tensor<int64_t>(DType::kInt64, {2}, {3, -9});
  auto out = run_ref_kernel("Max", {}, {a, b});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{3, 7}));
  auto f = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto bad = run_ref_kernel("Sum", {}, {f, make_tensor<double>(DType::kFloat64, {2}, {1, 2})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("double"), std::string::npos);
}

}  // namespace
}  // namespace qedge::testing
