// Unary math operators: values, attributes, dtypes and the bool-output predicates.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

std::vector<float> run_float(const std::string& op, const std::vector<float>& x, const AttrMap& attrs = {}) {
  auto out = run_ref_kernel(op, attrs, {make_tensor<float>(DType::kFloat32, {static_cast<int64_t>(x.size())}, x)});
  EXPECT_TRUE(out.ok()) << op << ": " << out.status().message();
  return out.ok() ? values_of<float>(out->at(0)) : std::vector<float>{};
}

void expect_near(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f * (1 + std::fabs(want[i]))) << i;
}

TEST(MathUnary, ElementaryFunctions) {
  expect_near(run_float("Exp", {0, 1, -1}), {1, 2.7182817f, 0.36787945f});
  expect_near(run_float("Sqrt", {4, 9}), {2, 3});
  expect_near(run_float("Reciprocal", {-4, 2}), {-0.25f, 0.5f});
  expect_near(run_float("Atanh", {0.5f}), {0.54930615f});
  expect_near(run_float("Erf", {0.5f}), {0.5204999f});
  expect_near(run_float("Sigmoid", {-100, 0, 2}), {0, 0.5f, 0.8807971f});
  expect_near(run_float("Softplus", {-1, 0, 100}), {0.31326166f, 0.6931472f, 100});
  expect_near(run_float("Mish", {-1, 1}), {-0.30340144f, 0.86509836f});
}

TEST(MathUnary, RoundHalfToEven) {
  EXPECT_EQ(run_float("Round", {0.5f, 1.5f, 2.5f, -2.5f, -1.2f, 2.7f}), (std::vector<float>{0, 2, 2, -2, -1, 3}));
}

TEST(MathUnary, SignKeepsNaN) {
  auto got = run_float("Sign", {-3, 0, 5, std::nanf("")});
  EXPECT_EQ(got[0], -1);
  EXPECT_EQ(got[1], 0);
  EXPECT_EQ(got[2], 1);
  EXPECT_TRUE(std::isnan(got[3]));
}

TEST(MathUnary, ActivationAttributes) {
  AttrMap elu;
  elu.set(float_attr("alpha", 2.0f));
  expect_near(run_float("Elu", {-1, 0, 1}, elu), {-1.2642411f, 0, 1});
  AttrMap shrink;
  shrink.set(float_attr("lambd", 1.5f));
  shrink.set(float_attr("bias", 1.5f));
  expect_near(run_float("Shrink", {-2, -1, 0, 1, 2}, shrink), {-0.5f, 0, 0, 0, 0.5f});
  AttrMap thresholded;
  thresholded.set(float_attr("alpha", 2.0f));
  expect_near(run_float("ThresholdedRelu", {1, 2, 3}, thresholded), {0, 0, 3});
  expect_near(run_float("HardSwish", {-4, 0, 1, 4}), {0, 0, 0.6666667f, 4});
  expect_near(run_float("Selu", {-1, 1}), {-1.1113307f, 1.050701f});
  expect_near(run_float("Celu", {-1, 1}), {-0.63212055f, 1});
}

TEST(MathUnary, GeluApproximations) {
  expect_near(run_float("Gelu", {-1, 0, 1}), {-0.15865526f, 0, 0.8413447f});
  AttrMap tanh_attr;
  tanh_attr.set(string_attr("approximate", "tanh"));
  expect_near(run_float("Gelu", {-1, 0, 1}, tanh_attr), {-0.15880801f, 0, 0.841192f});
}

TEST(MathUnary, GeluRejectsUnknownApproximation) {
  AttrMap attrs;
  attrs.set(string_attr("approximate", "erf"));
  auto out = run_ref_kernel("Gelu", attrs, {make_tensor<float>(DType::kFloat32, {1}, {1})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("approximate"), std::string::npos);
}

TEST(MathUnary, IntegerAbsAndNegWrap) {
  auto x = make_tensor<int8_t>(DType::kInt8, {3}, {-128, -5, 7});
  auto abs = run_ref_kernel("Abs", {}, {x});
  ASSERT_TRUE(abs.ok()) << abs.status().message();
  EXPECT_EQ(values_of<int8_t>(abs->at(0)), (std::vector<int8_t>{-128, 5, 7}));
  auto neg = run_ref_kernel("Neg", {}, {x});
  ASSERT_TRUE(neg.ok()) << neg.status().message();
  EXPECT_EQ(values_of<int8_t>(neg->at(0)), (std::vector<int8_t>{-128, 5, -7}));
}

TEST(MathUnary, Float16ComputesInFloat) {
  auto x = make_tensor<Float16>(DType::kFloat16, {2}, {Float16(4.0f), Float16(0.25f)});
  auto out = run_ref_kernel("Sqrt", {}, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  auto v = values_of<Float16>(out->at(0));
  EXPECT_EQ(static_cast<float>(v[0]), 2.0f);
  EXPECT_EQ(static_cast<float>(v[1]), 0.5f);
}

TEST(MathUnary, RejectsIntegerInputForFloatOp) {
  auto out = run_ref_kernel("Exp", {}, {make_tensor<int32_t>(DType::kInt32, {1}, {1})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("int32"), std::string::npos);
}

TEST(MathUnary, NotAndBitwiseNot) {
  auto b = run_ref_kernel("Not", {}, {make_tensor<uint8_t>(DType::kBool, {2}, {1, 0})});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(values_of<uint8_t>(b->at(0)), (std::vector<uint8_t>{0, 1}));
  auto u = run_ref_kernel("BitwiseNot", {}, {make_tensor<uint16_t>(DType::kUint16, {2}, {0, 0x00ff})});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(values_of<uint16_t>(u->at(0)), (std::vector<uint16_t>{0xffff, 0xff00}));
}

TEST(MathUnary, IsInfDirectionsAndIsNaN) {
  const float inf = std::numeric_limits<float>::infinity();
  auto x = make_tensor<float>(DType::kFloat32, {4}, {-inf, 1, inf, std::nanf("")});
  AttrMap neg_only;
  neg_only.set(int_attr("detect_positive", 0));
  auto inf_out = run_ref_kernel("IsInf", neg_only, {x});
  ASSERT_TRUE(inf_out.ok()) << inf_out.status().message();
  EXPECT_EQ(inf_out->at(0).dtype, DType::kBool);
  EXPECT_EQ(values_of<uint8_t>(inf_out->at(0)), (std::vector<uint8_t>{1, 0, 0, 0}));
  auto nan_out = run_ref_kernel("IsNaN", {}, {x});
  ASSERT_TRUE(nan_out.ok());
  EXPECT_EQ(values_of<uint8_t>(nan_out->at(0)), (std::vector<uint8_t>{0, 0, 0, 1}));
}

}  // namespace
}  // namespace qedge::testing
