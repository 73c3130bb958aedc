#include <gtest/gtest.h>

#include <cmath>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

TensorData i64(int64_t v) { return make_tensor<int64_t>(DType::kInt64, {}, {v}); }

TEST(RefDft, RealForwardOnesidedAndInverse) {
  AttrMap attrs;
  attrs.set(int_attr("onesided", 1));
  auto x = make_tensor<float>(DType::kFloat32, {1, 4, 1}, {1, 2, 3, 4});
  auto fwd = run_ref_kernel("DFT", attrs, {x, std::nullopt, i64(1)}, 1, 20);
  ASSERT_TRUE(fwd.ok()) << fwd.status().message();
  EXPECT_EQ(fwd->at(0).shape, (Dims{1, 3, 2}));
  auto v = values_of<float>(fwd->at(0));
  const std::vector<float> want = {10, 0, -2, 2, -2, 0};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(v[i], want[i], 1e-5) << i;
  attrs.set(int_attr("inverse", 1));
  auto inv = run_ref_kernel("DFT", attrs, {fwd->at(0), std::nullopt, i64(1)}, 1, 20);
  ASSERT_TRUE(inv.ok()) << inv.status().message();
  EXPECT_EQ(inv->at(0).shape, (Dims{1, 4, 1}));
  auto back = values_of<float>(inv->at(0));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(back[i], i + 1, 1e-5);
}

TEST(RefDft, Opset17AxisAttributeAndBadAxis) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 0));
  auto x = make_tensor<float>(DType::kFloat32, {2, 1}, {1, -1});
  auto out = run_ref_kernel("DFT", attrs, {x}, 1, 17);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0, 0, 2, 0}));
  attrs.set(int_attr("axis", 1));
  EXPECT_FALSE(run_ref_kernel("DFT", attrs, {x}, 1, 17).ok());
}

TEST(RefStft, FramesWithWindow) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 4, 1}, {1, 2, 3, 4});
  auto window = make_tensor<float>(DType::kFloat32, {2}, {1, 0.5f});
  auto out = run_ref_kernel("STFT", {}, {x, i64(2), window}, 1, 17);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 2, 2, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{2, 0, 0, 0, 5, 0, 1, 0}));
  EXPECT_FALSE(run_ref_kernel("STFT", {}, {x, i64(0), window}, 1, 17).ok());
}

TEST(RefWindows, PeriodicAndSymmetric) {
  auto hann = run_ref_kernel("HannWindow", {}, {make_tensor<int32_t>(DType::kInt32, {}, {4})}, 1, 17);
  ASSERT_TRUE(hann.ok()) << hann.status().message();
  auto h = values_of<float>(hann->at(0));
  ASSERT_EQ(h.size(), 4u);
  EXPECT_NEAR(h[0], 0.0f, 1e-7);
  EXPECT_NEAR(h[1], 0.5f, 1e-7);
  EXPECT_NEAR(h[2], 1.0f, 1e-7);
  AttrMap sym;
  sym.set(int_attr("periodic", 0));
  auto ham = run_ref_kernel("HammingWindow", sym, {i64(3)}, 1, 17);
  ASSERT_TRUE(ham.ok());
  EXPECT_NEAR(values_of<float>(ham->at(0))[1], 1.0f, 1e-6);
  auto black = run_ref_kernel("BlackmanWindow", {}, {i64(-1)}, 1, 17);
  EXPECT_FALSE(black.ok());
}

TEST(RefMelWeightMatrix, ShapeAndTriangles) {
  auto i32 = [](int32_t v) { return make_tensor<int32_t>(DType::kInt32, {}, {v}); };
  auto f = [](float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); };
  auto out = run_ref_kernel("MelWeightMatrix", {}, {i32(2), i32(8), i32(8000), f(0), f(4000)}, 1, 17);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{5, 2}));
  auto v = values_of<float>(out->at(0));
  float sum = 0;
  for (float e : v) sum += e;
  EXPECT_GT(sum, 0.0f);
  EXPECT_FALSE(run_ref_kernel("MelWeightMatrix", {}, {i32(0), i32(8), i32(8000), f(0), f(4000)}, 1, 17).ok());
}

TEST(RefDet, BatchedWithPivoting) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 2, 2}, {0, 1, 1, 0, 2, 1, 1, 3});
  auto out = run_ref_kernel("Det", {}, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2}));
  auto v = values_of<float>(out->at(0));
  EXPECT_FLOAT_EQ(v[0], -1.0f);
  EXPECT_FLOAT_EQ(v[1], 5.0f);
  EXPECT_FALSE(run_ref_kernel("Det", {}, {make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6})}).ok());
}

}  // namespace
}  // namespace qedge::testing
