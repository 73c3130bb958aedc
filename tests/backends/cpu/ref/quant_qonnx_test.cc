// QONNX quantization kernels (domain qonnx.custom_op.general): Quant, BipolarQuant, Trunc, FloatQuant,
// MultiThreshold. Element math is tested against the QONNX vectors in tests/quant; here: broadcasting,
// parameter inputs, attributes and errors.
#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

const char* const kDomain = "qonnx.custom_op.general";

TensorData f32(Dims shape, std::vector<float> v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }
TensorData scalar_f32(float v) { return f32({}, {v}); }

Result<std::vector<TensorData>> run_qonnx(const std::string& op, const AttrMap& attrs,
                                          const std::vector<std::optional<TensorData>>& inputs) {
  return run_ref_kernel(op, attrs, inputs, 1, 22, kDomain);
}

AttrMap quant_attrs(int is_signed, int narrow, const std::string& mode = "ROUND") {
  AttrMap a;
  a.set(int_attr("signed", is_signed));
  a.set(int_attr("narrow", narrow));
  a.set(string_attr("rounding_mode", mode));
  return a;
}

TEST(QuantQonnxQuant, PerChannelScaleBroadcastsAndInt64BitWidth) {
  // 4-bit signed, scale [2,1]: row 0 on a 0.25 grid in [-2, 1.75], row 1 on a 0.5 grid in [-4, 3.5].
  auto x = f32({2, 3}, {-3.0f, 0.3f, 2.0f, -3.0f, 0.3f, 2.0f});
  auto scale = f32({2, 1}, {0.25f, 0.5f});
  auto bits = make_tensor<int64_t>(DType::kInt64, {}, {4});
  auto out = run_qonnx("Quant", quant_attrs(1, 0), {x, scale, scalar_f32(0.0f), bits});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 3}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-2.0f, 0.25f, 1.75f, -3.0f, 0.5f, 2.0f}));
}

// QKeras-converted models store scale/zeropt as float64 or int64 scalars and the bit width as int64.
TEST(QuantQonnxQuant, AcceptsQkerasParameterTypes) {
  auto x = f32({3}, {0.3f, -1.0f, 9.0f});
  auto scale = make_tensor<double>(DType::kFloat64, {}, {0.25});
  auto zeropt = make_tensor<int64_t>(DType::kInt64, {}, {0});
  auto bits = make_tensor<int64_t>(DType::kInt64, {}, {4});
  auto out = run_qonnx("Quant", quant_attrs(0, 0), {x, scale, zeropt, bits});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0.25f, 0.0f, 3.75f}));
  auto bad = make_tensor<uint8_t>(DType::kUint8, {}, {1});
  out = run_qonnx("Quant", quant_attrs(0, 0), {x, bad, zeropt, bits});
  EXPECT_FALSE(out.ok());
}

TEST(QuantQonnxQuant, DefaultsAndBipolarSpecialCase) {
  auto x = f32({4}, {-0.2f, 0.0f, 0.7f, 5.0f});
  // No attributes: signed=1, narrow=0, ROUND; 2 bits -> [-2, 1].
  auto out = run_qonnx("Quant", {}, {x, scalar_f32(1.0f), scalar_f32(0.0f), scalar_f32(2.0f)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-0.0f, 0.0f, 1.0f, 1.0f}));
  // 1-bit signed narrow (QKeras): bipolar, scale 0.5.
  out = run_qonnx("Quant", quant_attrs(1, 1), {x, scalar_f32(0.5f), scalar_f32(0.0f), scalar_f32(1.0f)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-0.5f, 0.5f, 0.5f, 0.5f}));
}

TEST(QuantQonnxQuant, RejectsBadBitWidthsAndModes) {
  auto x = f32({2}, {1.0f, 2.0f});
  auto out = run_qonnx("Quant", quant_attrs(1, 0), {x, scalar_f32(1.0f), scalar_f32(0.0f), scalar_f32(2.5f)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bitwidth"), std::string::npos) << out.status().message();
  out = run_qonnx("Quant", quant_attrs(1, 0), {x, scalar_f32(1.0f), scalar_f32(0.0f), scalar_f32(0.0f)});
  EXPECT_FALSE(out.ok());
  out = run_qonnx("Quant", quant_attrs(1, 0), {x, scalar_f32(1.0f), scalar_f32(0.0f), f32({2}, {4, 4})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("scalar"), std::string::npos) << out.status().message();
  out = run_qonnx("Quant", quant_attrs(1, 0, "NEAREST"), {x, scalar_f32(1.0f), scalar_f32(0.0f), scalar_f32(4.0f)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("NEAREST"), std::string::npos);
  // A scale that would enlarge X is not a per-channel scale.
  out = run_qonnx("Quant", quant_attrs(1, 0), {x, f32({3, 1}, {1, 1, 1}), scalar_f32(0.0f), scalar_f32(4.0f)});
  EXPECT_FALSE(out.ok());
  auto xi = make_tensor<int32_t>(DType::kInt32, {2}, {1, 2});
  out = run_qonnx("Quant", quant_attrs(1, 0), {xi, scalar_f32(1.0f), scalar_f32(0.0f), scalar_f32(4.0f)});
  EXPECT_FALSE(out.ok());
}

TEST(QuantQonnxBipolarQuant, SignTimesBroadcastScale) {
  auto x = f32({2, 2}, {-1.0f, 0.0f, 3.0f, -0.0f});
  auto out = run_qonnx("BipolarQuant", {}, {x, f32({2, 1}, {0.5f, 2.0f})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-0.5f, 0.5f, 2.0f, 2.0f}));
}

TEST(QuantQonnxTrunc, VersionFollowsInputCount) {
  auto x = f32({3}, {6.5f, 200.0f, -100.0f});
  AttrMap a;
  a.set(string_attr("rounding_mode", "FLOOR"));
  // v1: scale 0.5 -> q = 13, 400, -200; 10 -> 8 bits divides by 4 (floor); rescaled by 0.5, no clamp.
  auto out = run_qonnx("Trunc", a, {x, scalar_f32(0.5f), scalar_f32(0.0f), scalar_f32(10.0f), scalar_f32(8.0f)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1.5f, 50.0f, -25.0f}));
  // v2: out_scale 2 -> shift 4, clamp to int4 [-8, 7], rescale by 2.
  out = run_qonnx("Trunc", a,
                  {x, scalar_f32(0.5f), scalar_f32(0.0f), scalar_f32(10.0f), scalar_f32(2.0f), scalar_f32(4.0f)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{6.0f, 14.0f, -16.0f}));
  out = run_qonnx("Trunc", a, {x, scalar_f32(0.5f), scalar_f32(0.0f), scalar_f32(10.0f)});
  EXPECT_FALSE(out.ok());
}

TEST(QuantQonnxFloatQuant, E4M3WithMaxVal) {
  auto x = f32({4}, {1000.0f, 1.0625f, -3.3f, 0.0f});
  auto out = run_qonnx("FloatQuant", {},
                       {x, scalar_f32(1.0f), scalar_f32(4.0f), scalar_f32(3.0f), scalar_f32(7.0f), scalar_f32(448.0f)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{448.0f, 1.0f, -3.25f, 0.0f}));
  out = run_qonnx("FloatQuant", {}, {x, scalar_f32(1.0f), scalar_f32(4.5f), scalar_f32(3.0f)});
  EXPECT_FALSE(out.ok());
}

TEST(QuantQonnxMultiThreshold, ChannelAxisFollowsLayout) {
  // X [1, 2, 2] NCHW-like: channel axis 1 (2 channels of 2 elements).
  auto x = f32({1, 2, 2}, {0.5f, 1.5f, 0.5f, 1.5f});
  auto thr = f32({2, 2}, {0.0f, 1.0f, 1.0f, 2.0f});
  AttrMap a;
  a.set(float_attr("out_scale", 2.0f));
  a.set(float_attr("out_bias", -1.0f));
  auto out = run_qonnx("MultiThreshold", a, {x, thr});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1.0f, 3.0f, -1.0f, 1.0f}));
  // NHWC: channel is the last axis.
  AttrMap nhwc;
  nhwc.set(string_attr("data_layout", "NHWC"));
  out = run_qonnx("MultiThreshold", nhwc, {x, thr});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1.0f, 1.0f, 1.0f, 1.0f}));
  // Global thresholds [1, S].
  out = run_qonnx("MultiThreshold", {}, {x, f32({1, 1}, {1.0f})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0.0f, 1.0f, 0.0f, 1.0f}));
  out = run_qonnx("MultiThreshold", {}, {x, f32({3, 1}, {1, 1, 1})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[3,1]"), std::string::npos) << out.status().message();
}

}  // namespace
}  // namespace qedge::testing
