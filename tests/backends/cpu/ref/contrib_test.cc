// com.microsoft quantized contrib ops and qonnx channels-last wrappers.
#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

const char* kMs = "com.microsoft";
const char* kChLast = "qonnx.custom_op.channels_last";

TensorData f32(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }
TensorData u8(uint8_t v) { return make_tensor<uint8_t>(DType::kUint8, {}, {v}); }
TensorData i8(int8_t v) { return make_tensor<int8_t>(DType::kInt8, {}, {v}); }

Result<std::vector<TensorData>> run_ms(const std::string& op, const AttrMap& attrs,
                                       const std::vector<std::optional<TensorData>>& inputs) {
  return run_ref_kernel(op, attrs, inputs, 1, 1, kMs);
}

TEST(ContribQLinearAdd, BroadcastsAndRequantizes) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 2}, {10, 20, 30, 40});  // 0, 5, 10, 15
  auto b = make_tensor<uint8_t>(DType::kUint8, {2}, {4, 8});               // 1, 2
  auto out = run_ms("QLinearAdd", {}, {a, f32(0.5f), u8(10), b, f32(0.25f), u8(0), f32(0.5f), u8(5)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{7, 19, 27, 39}));
}

TEST(ContribQLinearAdd, RejectsBadShapesAndTypes) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = make_tensor<uint8_t>(DType::kUint8, {2}, {1, 2});
  auto out = run_ms("QLinearAdd", {}, {a, f32(1), u8(0), b, f32(1), u8(0), f32(1), u8(0)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2,3]"), std::string::npos) << out.status().message();
  auto c = make_tensor<int8_t>(DType::kInt8, {3}, {1, 2, 3});
  EXPECT_FALSE(run_ms("QLinearAdd", {}, {a, f32(1), u8(0), c, f32(1), i8(0), f32(1), u8(0)}).ok());
}

TEST(ContribQLinearMul, RoundsHalfToEvenAndSaturatesInt8) {
  auto a = make_tensor<int8_t>(DType::kInt8, {5}, {1, 3, 5, 127, -128});  // 0.5, 1.5, 2.5, 63.5, -64
  auto b = make_tensor<int8_t>(DType::kInt8, {1}, {1});
  auto out = run_ms("QLinearMul", {}, {a, f32(0.5f), i8(0), b, f32(1), std::nullopt, f32(0.25f), std::nullopt});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int8_t>(out->at(0)), (std::vector<int8_t>{2, 6, 10, 127, -128}));
  out = run_ms("QLinearMul", {}, {a, f32(0.5f), i8(0), b, f32(1), i8(0), f32(1), i8(0)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int8_t>(out->at(0)), (std::vector<int8_t>{0, 2, 2, 64, -64}));
}

TEST(ContribQGemm, TransBPerColumnScaleBiasAndBothOutputForms) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = make_tensor<int8_t>(DType::kInt8, {2, 3}, {1, 0, -1, 2, 2, 2});
  auto b_scale = make_tensor<float>(DType::kFloat32, {2}, {1.0f, 0.25f});
  auto c = make_tensor<int32_t>(DType::kInt32, {2}, {10, -4});
  AttrMap attrs;
  attrs.set(int_attr("transB", 1));
  auto out = run_ms("QGemm", attrs, {a, f32(0.5f), u8(1), b, b_scale, i8(0), c});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kFloat32);
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{4.0f, 0.25f, 4.0f, 2.5f}));
  out = run_ms("QGemm", attrs, {a, f32(0.5f), u8(1), b, b_scale, i8(0), c, f32(0.25f), u8(10)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kUint8);
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{26, 11, 26, 20}));
}

TEST(ContribQGemm, RejectsInnerDimensionMismatch) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = make_tensor<uint8_t>(DType::kUint8, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_ms("QGemm", {}, {a, f32(1), u8(0), b, f32(1), u8(0)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("inner"), std::string::npos) << out.status().message();
}

TEST(ContribQLinearConcat, RequantizesEachInput) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 1));
  auto x1 = make_tensor<uint8_t>(DType::kUint8, {1, 2}, {2, 4});
  auto x2 = make_tensor<uint8_t>(DType::kUint8, {1, 1}, {13});
  auto out = run_ms("QLinearConcat", attrs, {f32(1), u8(0), x1, f32(0.5f), u8(0), x2, f32(2), u8(10)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 3}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{1, 2, 6}));
  auto bad = make_tensor<uint8_t>(DType::kUint8, {2, 1}, {1, 2});
  EXPECT_FALSE(run_ms("QLinearConcat", attrs, {f32(1), u8(0), x1, f32(1), u8(0), bad, f32(1), u8(0)}).ok());
}

TEST(ContribQLinearGlobalAveragePool, ChannelsFirstAndLast) {
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 2, 2, 2}, {0, 10, 2, 20, 4, 30, 6, 40});
  auto out = run_ms("QLinearGlobalAveragePool", {}, {x, f32(1), u8(0), f32(1), u8(0)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 2, 1, 1}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{8, 20}));
  AttrMap attrs;
  attrs.set(int_attr("channels_last", 1));
  out = run_ms("QLinearGlobalAveragePool", attrs, {x, f32(1), u8(0), f32(1), u8(0)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 1, 2}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{3, 25}));
}

TEST(ContribQLinearAveragePool, RoundsHalfToEven) {
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {2, 2}));
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 1, 2, 2}, {1, 2, 3, 5});  // mean 2.75 -> 5.5 at scale 0.5
  auto out = run_ms("QLinearAveragePool", attrs, {x, f32(1), u8(0), f32(0.5f), u8(0)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{6}));
}

TEST(ContribQLinearUnary, SigmoidLeakyReluSoftmax) {
  auto x = make_tensor<int8_t>(DType::kInt8, {3}, {0, 100, -100});
  auto out = run_ms("QLinearSigmoid", {}, {x, f32(1), i8(0), f32(1.0f / 256), i8(-128)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int8_t>(out->at(0)), (std::vector<int8_t>{0, 127, -128}));

  AttrMap alpha;
  alpha.set(float_attr("alpha", 0.5f));
  auto u = make_tensor<uint8_t>(DType::kUint8, {3}, {0, 10, 20});
  out = run_ms("QLinearLeakyRelu", alpha, {u, f32(1), u8(10), f32(1), u8(10)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{5, 10, 20}));

  AttrMap sm;
  sm.set(int_attr("opset", 13));
  auto s = make_tensor<uint8_t>(DType::kUint8, {1, 2}, {7, 7});
  out = run_ms("QLinearSoftmax", sm, {s, f32(1), u8(0), f32(1.0f / 256), u8(0)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{128, 128}));

  // A zero point whose type differs from X's is an error.
  EXPECT_FALSE(run_ms("QLinearSigmoid", {}, {x, f32(1), u8(0), f32(1), i8(0)}).ok());
}

// x [1, 2, 2, 2] NHWC: pixels (c0, c1) = (1, 10), (2, 20), (3, 30), (4, 40).
TensorData nhwc_x() { return make_tensor<float>(DType::kFloat32, {1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40}); }

TEST(ContribChannelsLast, ConvPermutesInputAndWeight) {
  // 1x1 kernels, weight [M=2, 1, 1, C=2]: output channel 0 = c0 + c1, channel 1 = 2 * c0.
  auto w = make_tensor<float>(DType::kFloat32, {2, 1, 1, 2}, {1, 1, 2, 0});
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {1, 1}));
  auto out = run_ref_kernel("Conv", attrs, {nhwc_x(), w}, 1, 1, kChLast);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 2, 2, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{11, 2, 22, 4, 33, 6, 44, 8}));
}

TEST(ContribChannelsLast, MaxPoolAndBatchNorm) {
  AttrMap pool;
  pool.set(ints_attr("kernel_shape", {2, 2}));
  auto out = run_ref_kernel("MaxPool", pool, {nhwc_x()}, 1, 1, kChLast);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 1, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{4, 40}));

  AttrMap bn;
  bn.set(float_attr("epsilon", 0.0f));
  auto vec = [](float a, float b) { return make_tensor<float>(DType::kFloat32, {2}, {a, b}); };
  // channel 0: x - 1; channel 1: x * 2 / 2 + 1.
  out = run_ref_kernel("BatchNormalization", bn, {nhwc_x(), vec(1, 2), vec(0, 1), vec(1, 0), vec(1, 4)}, 1, 1, kChLast);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0, 11, 1, 21, 2, 31, 3, 41}));
}

TEST(ContribChannelsLast, RejectsRankBelowThree) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 2}, {1, 2, 3, 4});
  AttrMap pool;
  pool.set(ints_attr("kernel_shape", {1}));
  auto out = run_ref_kernel("MaxPool", pool, {x}, 1, 1, kChLast);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2,2]"), std::string::npos) << out.status().message();
}

}  // namespace
}  // namespace qedge::testing
