// qedge integer ops: QMatMul/QConv against float references on the same integers, the XNOR path against the
// plain dot product, and the two quantize conventions (QONNX zero point before rounding, ONNX after).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

AttrMap attrs(std::vector<Attr> list) {
  AttrMap m;
  for (Attr& a : list) m.set(std::move(a));
  return m;
}

TEST(QMatMul, XnorPopcountEqualsTheDotProduct) {
  constexpr int m = 3, k = 70, n = 5;  // k spans two 64-bit words
  std::mt19937 rng(3);
  std::vector<int8_t> x(m * k), w(k * n);
  for (auto& v : x) v = rng() % 2 ? 1 : -1;
  for (auto& v : w) v = rng() % 2 ? 1 : -1;
  const auto xt = make_tensor<int8_t>(DType::kInt8, {m, k}, x);
  const auto wt = make_tensor<int8_t>(DType::kInt8, {k, n}, w);
  auto plain = run_ref_kernel("QMatMul", attrs({}), {xt, wt}, 1, 1, "qedge");
  auto xnor = run_ref_kernel("QMatMul", attrs({int_attr("xnor", 1)}), {xt, wt}, 1, 1, "qedge");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  ASSERT_TRUE(xnor.ok()) << xnor.status().message();
  const auto a = values_of<float>((*plain)[0]), b = values_of<float>((*xnor)[0]);
  for (int r = 0; r < m; ++r) {
    for (int c = 0; c < n; ++c) {
      int dot = 0;
      for (int j = 0; j < k; ++j) dot += x[r * k + j] * w[j * n + c];
      EXPECT_EQ(a[r * n + c], dot);
      EXPECT_EQ(b[r * n + c], dot);
    }
  }
}

TEST(QMatMul, XnorRejectsValuesThatAreNotBipolar) {
  const auto xt = make_tensor<int8_t>(DType::kInt8, {1, 2}, {1, 0});
  const auto wt = make_tensor<int8_t>(DType::kInt8, {2, 1}, {1, -1});
  auto r = run_ref_kernel("QMatMul", attrs({int_attr("xnor", 1)}), {xt, wt}, 1, 1, "qedge");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("-1/+1"), std::string::npos);
}

TEST(QMatMul, EpilogueAppliesZeroPointsScalesClampAndOutputQuantizer) {
  // x levels uint8 with zero point 3; w int8 [N=2, K=2] (trans_b) with per-channel zero points 0 and 1.
  const auto xt = make_tensor<uint8_t>(DType::kUint8, {1, 2}, {5, 10});
  const auto wt = make_tensor<int8_t>(DType::kInt8, {2, 2}, {2, -1, 4, 3});
  // acc0 = 2*2 + 7*-1 = -3; acc1 = 2*3 + 7*2 = 20. y = acc * mult + add, clamped to [0, 6], then
  // level = HALF_UP(y / 0.5 + 1) in unsigned 4 bits: y0 = max(-3*0.5+1, 0) = 0 -> 1; y1 = min(20*0.25-0.75, 6) = 4.25 -> 9.5 -> 10.
  AttrMap a = attrs({int_attr("trans_b", 1), int_attr("x_zero_point", 3), floats_attr("w_zero_point", {0, 1}),
                     floats_attr("mult", {0.5f, 0.25f}), floats_attr("add", {1.0f, -0.75f}), float_attr("clamp_min", 0),
                     float_attr("clamp_max", 6), floats_attr("out_scale", {0.5f}), floats_attr("out_zero_point", {1}),
                     int_attr("out_bits", 4), int_attr("out_signed", 0), string_attr("out_rounding_mode", "HALF_UP"),
                     int_attr("out_to", static_cast<int64_t>(DType::kUint8))});
  auto r = run_ref_kernel("QMatMul", a, {xt, wt}, 1, 1, "qedge");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(values_of<uint8_t>((*r)[0]), (std::vector<uint8_t>{1, 10}));
}

TEST(QMatMul, ThresholdOutputCountsPerChannelThresholds) {
  // acc = [3, -2] (x = [1, 1], w columns [1, 2] and [-1, -1]); y = acc * 0.5 = [1.5, -1]; channel 0 thresholds
  // {0, 1.5, 2}: y reaches 2 of them (>= is inclusive); channel 1 thresholds {-1, 0, 1}: 1.
  const auto xt = make_tensor<int8_t>(DType::kInt8, {1, 2}, {1, 1});
  const auto wt = make_tensor<int8_t>(DType::kInt8, {2, 2}, {1, -1, 2, -1});
  const auto th = make_tensor<float>(DType::kFloat32, {2, 3}, {0, 1.5f, 2, -1, 0, 1});
  auto r = run_ref_kernel("QMatMul", attrs({floats_attr("mult", {0.5f})}), {xt, wt, th}, 1, 1, "qedge");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].dtype, DType::kUint8);
  EXPECT_EQ(values_of<uint8_t>((*r)[0]), (std::vector<uint8_t>{2, 1}));
  // One threshold with out_bipolar: levels -1 / +1.
  const auto one = make_tensor<float>(DType::kFloat32, {1, 1}, {0.0f});
  auto b = run_ref_kernel("QMatMul", attrs({int_attr("out_bipolar", 1), int_attr("out_to", static_cast<int64_t>(DType::kInt8))}),
                          {xt, wt, one}, 1, 1, "qedge");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(values_of<int8_t>((*b)[0]), (std::vector<int8_t>{1, -1}));
}

TEST(Thresholds, LevelsMatchMultiThresholdCounts) {
  const auto x = make_tensor<float>(DType::kFloat32, {1, 2, 2}, {-1.0f, 0.5f, 0.0f, 3.0f});
  const auto th = make_tensor<float>(DType::kFloat32, {2, 2}, {0.0f, 1.0f, -0.5f, 2.0f});
  auto levels = run_ref_kernel("Thresholds", attrs({}), {x, th}, 1, 1, "qedge");
  auto counts = run_ref_kernel("MultiThreshold", attrs({}), {x, th}, 1, 1, "qonnx.custom_op.general");
  ASSERT_TRUE(levels.ok()) << levels.status().message();
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(values_of<uint8_t>((*levels)[0]), (std::vector<uint8_t>{0, 1, 1, 2}));
  EXPECT_EQ(values_of<float>((*counts)[0]), (std::vector<float>{0, 1, 1, 2}));
}

TEST(QConv, MatchesFloatConvOnTheSameIntegers) {
  // Grouped, strided, dilated, padded: the integer kernel must equal the float Conv of (x - zp) and w exactly.
  constexpr int c = 4, m = 6, h = 9, wd = 8, g = 2;
  std::mt19937 rng(11);
  std::vector<uint8_t> x(c * h * wd);
  std::vector<int8_t> w(m * (c / g) * 3 * 3);
  for (auto& v : x) v = static_cast<uint8_t>(rng() % 256);
  for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 15) - 7);
  std::vector<float> xf(x.size()), wf(w.size());
  for (size_t i = 0; i < x.size(); ++i) xf[i] = static_cast<float>(x[i]) - 128.0f;
  for (size_t i = 0; i < w.size(); ++i) wf[i] = w[i];
  const std::vector<Attr> geometry = {int_attr("group", g), ints_attr("strides", {2, 1}), ints_attr("dilations", {2, 1}),
                                      ints_attr("pads", {1, 2, 0, 1})};
  std::vector<Attr> qa = geometry;
  qa.push_back(int_attr("x_zero_point", 128));
  auto q = run_ref_kernel("QConv", attrs(qa), {make_tensor<uint8_t>(DType::kUint8, {1, c, h, wd}, x),
                                              make_tensor<int8_t>(DType::kInt8, {m, c / g, 3, 3}, w)}, 1, 1, "qedge");
  auto f = run_ref_kernel("Conv", attrs(geometry), {make_tensor<float>(DType::kFloat32, {1, c, h, wd}, xf),
                                                    make_tensor<float>(DType::kFloat32, {m, c / g, 3, 3}, wf)});
  ASSERT_TRUE(q.ok()) << q.status().message();
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ((*q)[0].shape, (*f)[0].shape);
  EXPECT_EQ(values_of<float>((*q)[0]), values_of<float>((*f)[0]));
}

TEST(QConv, XnorPopcountEqualsTheDotProductWithPadding) {
  // Padding positions contribute 0 (masked), not -1; groups, strides and dilation as in the plain kernel.
  constexpr int c = 4, m = 4, h = 7, wd = 6, g = 2;
  std::mt19937 rng(13);
  std::vector<int8_t> x(c * h * wd), w(m * (c / g) * 3 * 3);
  for (auto& v : x) v = rng() % 2 ? 1 : -1;
  for (auto& v : w) v = rng() % 2 ? 1 : -1;
  std::vector<Attr> geometry = {int_attr("group", g), ints_attr("strides", {2, 1}), ints_attr("dilations", {1, 2}),
                                ints_attr("pads", {1, 2, 1, 0})};
  const auto xt = make_tensor<int8_t>(DType::kInt8, {1, c, h, wd}, x);
  const auto wt = make_tensor<int8_t>(DType::kInt8, {m, c / g, 3, 3}, w);
  auto plain = run_ref_kernel("QConv", attrs(geometry), {xt, wt}, 1, 1, "qedge");
  geometry.push_back(int_attr("xnor", 1));
  auto xnor = run_ref_kernel("QConv", attrs(geometry), {xt, wt}, 1, 1, "qedge");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  ASSERT_TRUE(xnor.ok()) << xnor.status().message();
  EXPECT_EQ(values_of<float>((*plain)[0]), values_of<float>((*xnor)[0]));
}

TEST(Quantize, QonnxAddsTheZeroPointBeforeRoundingOnnxAfter) {
  // x / s = 2.5 exactly, zero point 1: QONNX rounds 2.5 + 1 = 3.5 half-even to 4; ONNX rounds 2.5 to 2, then adds 1.
  const auto x = make_tensor<float>(DType::kFloat32, {1}, {1.25f});
  for (int after : {0, 1}) {
    AttrMap a = attrs({floats_attr("scale", {0.5f}), floats_attr("zero_point", {1}), int_attr("zp_after_round", after)});
    auto r = run_ref_kernel("Quantize", a, {x}, 1, 1, "qedge");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(values_of<int8_t>((*r)[0])[0], after ? 3 : 4);
  }
}

TEST(Dequantize, PerAxisScalesAndZeroPoints) {
  const auto x = make_tensor<int8_t>(DType::kInt8, {2, 2}, {1, 2, 3, 4});
  AttrMap a = attrs({floats_attr("scale", {0.5f, 2.0f}), floats_attr("zero_point", {1, -1}), int_attr("axis", 1)});
  auto r = run_ref_kernel("Dequantize", a, {x}, 1, 1, "qedge");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(values_of<float>((*r)[0]), (std::vector<float>{0.0f, 6.0f, 1.0f, 10.0f}));
}

TEST(Quantize, RejectsARangeWiderThanItsStorage) {
  AttrMap a = attrs({floats_attr("scale", {1}), floats_attr("zero_point", {0}), int_attr("bits", 12)});
  auto r = run_ref_kernel("Quantize", a, {make_tensor<float>(DType::kFloat32, {1}, {0.0f})}, 1, 1, "qedge");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("narrower type"), std::string::npos);
}

}  // namespace
}  // namespace qedge::testing
