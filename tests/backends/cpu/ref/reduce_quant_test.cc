#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

TEST(RefQuantizeLinear, RoundsHalfToEvenAndSaturates) {
  auto x = make_tensor<float>(DType::kFloat32, {5}, {0.5f, 1.5f, 2.5f, -300.f, 300.f});
  auto scale = make_tensor<float>(DType::kFloat32, {}, {1.0f});
  auto zp = make_tensor<int8_t>(DType::kInt8, {}, {0});
  auto out = run_ref_kernel("QuantizeLinear", {}, {x, scale, zp});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kInt8);
  EXPECT_EQ(values_of<int8_t>(out->at(0)), (std::vector<int8_t>{0, 2, 2, -128, 127}));
}

TEST(RefQuantizeLinear, PerAxisBroadcastsScaleAlongAxis) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 0));
  auto x = make_tensor<float>(DType::kFloat32, {2, 2}, {2, 4, 2, 4});
  auto scale = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto zp = make_tensor<uint8_t>(DType::kUint8, {2}, {10, 20});
  auto out = run_ref_kernel("QuantizeLinear", attrs, {x, scale, zp});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{12, 14, 21, 22}));
}

TEST(RefQuantizeLinear, Int4PacksTwoPerByte) {
  auto x = make_tensor<float>(DType::kFloat32, {3}, {-9, 3, 7});
  auto scale = make_tensor<float>(DType::kFloat32, {}, {1.0f});
  auto zp = make_tensor<uint8_t>(DType::kInt4, {}, {0});
  auto out = run_ref_kernel("QuantizeLinear", {}, {x, scale, zp});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).bytes, (std::vector<uint8_t>{0x38, 0x07}));  // -8 -> 0x8, 3, 7
}

TEST(RefQuantizeLinear, RejectsMismatchedBlockedScale) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 1));
  attrs.set(int_attr("block_size", 2));
  auto x = make_tensor<float>(DType::kFloat32, {1, 4}, {1, 2, 3, 4});
  auto scale = make_tensor<float>(DType::kFloat32, {1, 3}, {1, 1, 1});
  auto out = run_ref_kernel("QuantizeLinear", attrs, {x, scale});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[1,3]"), std::string::npos);
}

TEST(RefDequantizeLinear, BlockedScalesAndZeroPoints) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 1));
  attrs.set(int_attr("block_size", 2));
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 4}, {10, 12, 10, 12});
  auto scale = make_tensor<float>(DType::kFloat32, {1, 2}, {0.5f, 2.0f});
  auto zp = make_tensor<uint8_t>(DType::kUint8, {1, 2}, {10, 11});
  auto out = run_ref_kernel("DequantizeLinear", attrs, {x, scale, zp});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0, 1, -2, 2}));
}

TEST(RefDequantizeLinear, Float16ScaleGivesFloat16) {
  auto x = make_tensor<int16_t>(DType::kInt16, {2}, {-4, 6});
  auto scale = make_tensor<Float16>(DType::kFloat16, {}, {Float16(0.5f)});
  auto out = run_ref_kernel("DequantizeLinear", {}, {x, scale});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kFloat16);
  auto v = values_of<Float16>(out->at(0));
  EXPECT_EQ(static_cast<float>(v[0]), -2.0f);
  EXPECT_EQ(static_cast<float>(v[1]), 3.0f);
}

TEST(RefDynamicQuantizeLinear, ComputesScaleAndZeroPoint) {
  auto x = make_tensor<float>(DType::kFloat32, {3}, {-1.0f, 0.0f, 2.0f});
  auto out = run_ref_kernel("DynamicQuantizeLinear", {}, {x}, 3);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float scale = values_of<float>(out->at(1))[0];
  EXPECT_FLOAT_EQ(scale, 3.0f / 255.0f);
  EXPECT_EQ(values_of<uint8_t>(out->at(2)), (std::vector<uint8_t>{85}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{0, 85, 255}));
}

TensorData f32(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }
TensorData u8(uint8_t v) { return make_tensor<uint8_t>(DType::kUint8, {}, {v}); }

TEST(RefQLinearMatMul, BroadcastsBatchAndRequantizes) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 1, 2}, {1, 2, 3, 4});
  auto b = make_tensor<uint8_t>(DType::kUint8, {2, 1}, {1, 1});
  auto out = run_ref_kernel("QLinearMatMul", {}, {a, f32(1), u8(0), b, f32(1), u8(0), f32(2), u8(1)});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 1, 1}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)),
            (std::vector<uint8_t>{2, 4}));  // rint(3/2 + 1), rint(7/2 + 1): ties to even
  auto bad = make_tensor<uint8_t>(DType::kUint8, {3, 1}, {1, 1, 1});
  EXPECT_FALSE(run_ref_kernel("QLinearMatMul", {}, {a, f32(1), u8(0), bad, f32(1), u8(0), f32(2), u8(1)}).ok());
}

TEST(RefQLinearConv, PadsWithZeroPointAndAddsBias) {
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1}));
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 1, 2}, {12, 14});
  auto w = make_tensor<uint8_t>(DType::kUint8, {1, 1, 3}, {1, 1, 1});
  auto bias = make_tensor<int32_t>(DType::kInt32, {1}, {4});
  auto out = run_ref_kernel("QLinearConv", attrs, {x, f32(1), u8(10), w, f32(1), u8(0), f32(1), u8(0), bias});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 2}));
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{10, 10}));
  attrs.set(int_attr("group", 2));
  EXPECT_FALSE(run_ref_kernel("QLinearConv", attrs, {x, f32(1), u8(10), w, f32(1), u8(0), f32(1), u8(0)}).ok());
}

}  // namespace
}  // namespace qedge::testing
