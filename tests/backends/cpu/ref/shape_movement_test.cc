// Reference kernels of the shape family that move elements without reading indices: Reshape,
// Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice, Expand, Tile, Pad, DepthToSpace,
// SpaceToDepth, CenterCropPad.
#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"
#include "qedge/cpu_ref/ref_kernels.h"

namespace qedge::testing {
namespace {

TensorData i64(Dims shape, std::vector<int64_t> v) { return make_tensor<int64_t>(DType::kInt64, std::move(shape), v); }
TensorData f32(Dims shape, std::vector<float> v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }
std::vector<float> iota_f(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

TEST(ShapeReshape, ZeroCopiesDimAndMinusOneInfers) {
  auto out = run_ref_kernel("Reshape", {}, {f32({2, 3, 4}, iota_f(24)), i64({3}, {0, -1, 2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 6, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), iota_f(24));
}

TEST(ShapeReshape, AllowZeroKeepsZero) {
  AttrMap a;
  a.set(int_attr("allowzero", 1));
  auto out = run_ref_kernel("Reshape", a, {f32({0, 3}, {}), i64({2}, {3, 0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{3, 0}));
}

TEST(ShapeReshape, RejectsWrongElementCount) {
  auto out = run_ref_kernel("Reshape", {}, {f32({2, 3}, iota_f(6)), i64({2}, {4, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2,3]"), std::string::npos);
}

TEST(ShapeReshape, UnknownShapeValuesNeedValues) {
  KernelRegistry r;
  ref::register_all(r);
  auto kernel = (*r.find("", "Reshape"))();
  Tensor x{DType::kFloat32, {2, 3}, nullptr, 0};
  Tensor shape{DType::kInt64, {2}, nullptr, 0};
  Tensor y;
  AttrMap attrs;
  KernelContext ctx;
  ctx.op_type = "Reshape";
  ctx.opset = 21;
  ctx.attrs = &attrs;
  ctx.inputs = {&x, &shape};
  ctx.outputs = {&y};
  EXPECT_EQ(kernel->prepare(ctx).code(), StatusCode::kNeedsValues);
}

TEST(ShapeFlatten, NegativeAxisCountsFromRank) {
  AttrMap a;
  a.set(int_attr("axis", -1));
  auto out = run_ref_kernel("Flatten", a, {f32({2, 3, 4}, iota_f(24))});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{6, 4}));
  a.set(int_attr("axis", 4));
  EXPECT_FALSE(run_ref_kernel("Flatten", a, {f32({2, 3, 4}, iota_f(24))}).ok());
}

TEST(ShapeSqueeze, AxesFromAttributeAndInput) {
  AttrMap a;
  a.set(ints_attr("axes", {0}));
  auto old = run_ref_kernel("Squeeze", a, {f32({1, 3, 1}, {1, 2, 3})}, 1, 11);
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_EQ(old->at(0).shape, (Dims{3, 1}));
  auto all = run_ref_kernel("Squeeze", {}, {f32({1, 3, 1}, {1, 2, 3})}, 1, 13);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->at(0).shape, (Dims{3}));
  auto bad = run_ref_kernel("Squeeze", {}, {f32({1, 3, 1}, {1, 2, 3}), i64({1}, {1})}, 1, 13);
  EXPECT_FALSE(bad.ok());
}

TEST(ShapeUnsqueeze, AxesIndexTheOutput) {
  auto out = run_ref_kernel("Unsqueeze", {}, {f32({3}, {1, 2, 3}), i64({2}, {0, -1})}, 1, 13);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 3, 1}));
  EXPECT_FALSE(run_ref_kernel("Unsqueeze", {}, {f32({3}, {1, 2, 3}), i64({2}, {0, 0})}, 1, 13).ok());
}

TEST(ShapeTranspose, PermutesAndDefaultsToReverse) {
  AttrMap a;
  a.set(ints_attr("perm", {1, 0}));
  auto out = run_ref_kernel("Transpose", a, {make_tensor<int16_t>(DType::kInt16, {2, 3}, {1, 2, 3, 4, 5, 6})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{3, 2}));
  EXPECT_EQ(values_of<int16_t>(out->at(0)), (std::vector<int16_t>{1, 4, 2, 5, 3, 6}));
  a.set(ints_attr("perm", {0, 0}));
  EXPECT_FALSE(run_ref_kernel("Transpose", a, {f32({2, 3}, iota_f(6))}).ok());
}

TEST(ShapeConcat, JoinsAlongAxis) {
  AttrMap a;
  a.set(int_attr("axis", 1));
  auto out = run_ref_kernel("Concat", a, {f32({2, 1}, {1, 2}), f32({2, 2}, {3, 4, 5, 6})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, 3, 4, 2, 5, 6}));
  EXPECT_FALSE(run_ref_kernel("Concat", a, {f32({2, 1}, {1, 2}), f32({3, 1}, {3, 4, 5})}).ok());
}

TEST(ShapeSplit, NumOutputsGivesSmallerLastChunk) {
  AttrMap a;
  a.set(int_attr("num_outputs", 2));
  auto out = run_ref_kernel("Split", a, {make_tensor<uint8_t>(DType::kUint8, {5}, {1, 2, 3, 4, 5})}, 2, 18);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(values_of<uint8_t>(out->at(1)), (std::vector<uint8_t>{4, 5}));
}

TEST(ShapeSplit, SizesFromAttributeMustSumToDim) {
  AttrMap a;
  a.set(ints_attr("split", {1, 3}));
  auto out = run_ref_kernel("Split", a, {f32({4}, {1, 2, 3, 4})}, 2, 11);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(1)), (std::vector<float>{2, 3, 4}));
  a.set(ints_attr("split", {1, 2}));
  EXPECT_FALSE(run_ref_kernel("Split", a, {f32({4}, {1, 2, 3, 4})}, 2, 11).ok());
}

TEST(ShapeSlice, NegativeStepAndClamping) {
  auto out = run_ref_kernel("Slice", {},
                            {f32({2, 4}, iota_f(8)), i64({2}, {0, -1}), i64({2}, {100, -1000}), i64({2}, {0, 1}),
                             i64({2}, {1, -2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{3, 1, 7, 5}));
}

TEST(ShapeSlice, OldOpsetAttributesAndZeroStep) {
  AttrMap a;
  a.set(ints_attr("starts", {1}));
  a.set(ints_attr("ends", {3}));
  auto out = run_ref_kernel("Slice", a, {f32({4}, {1, 2, 3, 4})}, 1, 9);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{2, 3}));
  auto bad = run_ref_kernel("Slice", {}, {f32({4}, {1, 2, 3, 4}), i64({1}, {0}), i64({1}, {4}), i64({1}, {0}),
                                          i64({1}, {0})});
  EXPECT_FALSE(bad.ok());
}

TEST(ShapeExpand, BroadcastsBothWays) {
  auto out = run_ref_kernel("Expand", {}, {f32({3, 1}, {1, 2, 3}), i64({2}, {1, 2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{3, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, 1, 2, 2, 3, 3}));
  EXPECT_FALSE(run_ref_kernel("Expand", {}, {f32({3}, {1, 2, 3}), i64({1}, {2})}).ok());
}

TEST(ShapeTile, RepeatsEachAxis) {
  auto out = run_ref_kernel("Tile", {}, {make_tensor<uint8_t>(DType::kBool, {2}, {1, 0}), i64({1}, {2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_FALSE(run_ref_kernel("Tile", {}, {f32({2}, {1, 2}), i64({1}, {-1})}).ok());
}

TEST(ShapePad, ModesMatchNumpy) {
  const auto x = f32({4}, {1, 2, 3, 4});
  const auto pads = i64({2}, {2, 2});
  const std::vector<std::pair<std::string, std::vector<float>>> cases = {
      {"constant", {9, 9, 1, 2, 3, 4, 9, 9}},
      {"reflect", {3, 2, 1, 2, 3, 4, 3, 2}},
      {"edge", {1, 1, 1, 2, 3, 4, 4, 4}},
      {"wrap", {3, 4, 1, 2, 3, 4, 1, 2}},
  };
  for (const auto& [mode, want] : cases) {
    AttrMap a;
    a.set(string_attr("mode", mode));
    auto out = run_ref_kernel("Pad", a, {x, pads, f32({}, {9})}, 1, 19);
    ASSERT_TRUE(out.ok()) << mode << ": " << out.status().message();
    EXPECT_EQ(values_of<float>(out->at(0)), want) << mode;
  }
}

TEST(ShapePad, OldOpsetAttributesAndNegativePads) {
  AttrMap a;
  a.set(ints_attr("pads", {0, -1, 0, 1}));
  a.set(float_attr("value", 7));
  auto out = run_ref_kernel("Pad", a, {make_tensor<int32_t>(DType::kInt32, {1, 3}, {1, 2, 3})}, 1, 6);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{2, 3, 7}));
  a.set(ints_attr("pads", {0, 0}));
  EXPECT_FALSE(run_ref_kernel("Pad", a, {f32({1, 3}, {1, 2, 3})}, 1, 6).ok());
}

TEST(ShapeDepthToSpace, DcrAndCrdRoundTrip) {
  AttrMap a;
  a.set(int_attr("blocksize", 2));
  const auto x = f32({1, 4, 1, 1}, {0, 1, 2, 3});
  auto d2s = run_ref_kernel("DepthToSpace", a, {x});
  ASSERT_TRUE(d2s.ok()) << d2s.status().message();
  EXPECT_EQ(d2s->at(0).shape, (Dims{1, 1, 2, 2}));
  EXPECT_EQ(values_of<float>(d2s->at(0)), (std::vector<float>{0, 1, 2, 3}));
  auto s2d = run_ref_kernel("SpaceToDepth", a, {d2s->at(0)});
  ASSERT_TRUE(s2d.ok()) << s2d.status().message();
  EXPECT_EQ(values_of<float>(s2d->at(0)), (std::vector<float>{0, 1, 2, 3}));
  // With 8 channels DCR and CRD differ: CRD keeps each output channel's block together.
  a.set(string_attr("mode", "CRD"));
  auto crd = run_ref_kernel("DepthToSpace", a, {f32({1, 8, 1, 1}, iota_f(8))});
  ASSERT_TRUE(crd.ok()) << crd.status().message();
  EXPECT_EQ(values_of<float>(crd->at(0)), iota_f(8));
  EXPECT_FALSE(run_ref_kernel("DepthToSpace", a, {f32({1, 3, 1, 1}, {1, 2, 3})}).ok());
}

TEST(ShapeCenterCropPad, CropsAndPadsAroundTheCenter) {
  AttrMap a;
  a.set(ints_attr("axes", {0}));
  auto crop = run_ref_kernel("CenterCropPad", a, {f32({5}, {1, 2, 3, 4, 5}), i64({1}, {2})});
  ASSERT_TRUE(crop.ok()) << crop.status().message();
  EXPECT_EQ(values_of<float>(crop->at(0)), (std::vector<float>{2, 3}));
  auto pad = run_ref_kernel("CenterCropPad", a, {f32({2}, {1, 2}), i64({1}, {5})});
  ASSERT_TRUE(pad.ok()) << pad.status().message();
  EXPECT_EQ(values_of<float>(pad->at(0)), (std::vector<float>{0, 1, 2, 0, 0}));
}

}  // namespace
}  // namespace qedge::testing
