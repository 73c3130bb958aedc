#include <gtest/gtest.h>

#include <cmath>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

TEST(RefGridSample, BilinearZerosAndBorderPadding) {
  AttrMap attrs;
  attrs.set(int_attr("align_corners", 1));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  // Points: centre, top-left corner, and one far left of the image.
  auto grid = make_tensor<float>(DType::kFloat32, {1, 1, 3, 2}, {0, 0, -1, -1, -3, -1});
  auto out = run_ref_kernel("GridSample", attrs, {x, grid});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 1, 3}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{2.5f, 1, 0}));
  attrs.set(string_attr("padding_mode", "border"));
  auto border = run_ref_kernel("GridSample", attrs, {x, grid});
  ASSERT_TRUE(border.ok());
  EXPECT_EQ(values_of<float>(border->at(0))[2], 1.0f);
}

TEST(RefGridSample, RejectsGridOfWrongRank) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto grid = make_tensor<float>(DType::kFloat32, {1, 1, 3}, {0, 0, 0});
  EXPECT_FALSE(run_ref_kernel("GridSample", {}, {x, grid}).ok());
}

TEST(RefGridSample, HostileCoordinatesReadPadding) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  const float nan = std::nanf("");
  auto grid = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {nan, 0, 1e30f, -1e30f});
  for (const char* pad : {"zeros", "border", "reflection"}) {
    for (const char* mode : {"nearest", "linear", "cubic"}) {
      AttrMap attrs;
      attrs.set(string_attr("padding_mode", pad));
      attrs.set(string_attr("mode", mode));
      EXPECT_TRUE(run_ref_kernel("GridSample", attrs, {x, grid}).ok()) << pad << " " << mode;
    }
  }
}

TEST(RefAffineGrid, IdentityThetaGivesBaseGrid) {
  auto theta = make_tensor<float>(DType::kFloat32, {1, 2, 3}, {1, 0, 0, 0, 1, 0});
  auto size = make_tensor<int64_t>(DType::kInt64, {4}, {1, 1, 1, 2});
  auto out = run_ref_kernel("AffineGrid", {}, {theta, size}, 1, 20);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 2, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-0.5f, 0, 0.5f, 0}));
  auto bad = make_tensor<int64_t>(DType::kInt64, {3}, {1, 1, 2});
  EXPECT_FALSE(run_ref_kernel("AffineGrid", {}, {theta, bad}, 1, 20).ok());
}

TEST(RefRoiAlign, AveragesBinAndChecksBatchIndex) {
  AttrMap attrs;
  attrs.set(int_attr("sampling_ratio", 1));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto rois = make_tensor<float>(DType::kFloat32, {1, 4}, {0, 0, 2, 2});
  auto idx = make_tensor<int64_t>(DType::kInt64, {1}, {0});
  auto out = run_ref_kernel("RoiAlign", attrs, {x, rois, idx}, 1, 16);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 1, 1}));
  EXPECT_FLOAT_EQ(values_of<float>(out->at(0))[0], 2.5f);
  auto bad = make_tensor<int64_t>(DType::kInt64, {1}, {3});
  EXPECT_FALSE(run_ref_kernel("RoiAlign", attrs, {x, rois, bad}, 1, 16).ok());
  // NaN and huge rois sample nothing rather than reading out of bounds.
  attrs.set(int_attr("sampling_ratio", 0));
  auto hostile = make_tensor<float>(DType::kFloat32, {1, 4}, {std::nanf(""), 0, 1e30f, 1e30f});
  EXPECT_TRUE(run_ref_kernel("RoiAlign", attrs, {x, hostile, idx}, 1, 16).ok());
  auto huge = make_tensor<float>(DType::kFloat32, {1, 4}, {0, 0, 1e30f, 1e30f});
  EXPECT_FALSE(run_ref_kernel("RoiAlign", attrs, {x, huge, idx}, 1, 16).ok());
}

TEST(RefNonMaxSuppression, SuppressesOverlapsPerClass) {
  auto boxes = make_tensor<float>(DType::kFloat32, {1, 3, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 5, 1, 6});
  auto scores = make_tensor<float>(DType::kFloat32, {1, 1, 3}, {0.9f, 0.8f, 0.7f});
  auto max_out = make_tensor<int64_t>(DType::kInt64, {1}, {3});
  auto iou = make_tensor<float>(DType::kFloat32, {1}, {0.5f});
  auto out = run_ref_kernel("NonMaxSuppression", {}, {boxes, scores, max_out, iou}, 1, 11);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 3}));
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{0, 0, 0, 0, 0, 2}));
  auto bad = make_tensor<float>(DType::kFloat32, {1, 1, 2}, {0.9f, 0.8f});
  EXPECT_FALSE(run_ref_kernel("NonMaxSuppression", {}, {boxes, bad, max_out, iou}, 1, 11).ok());
}

}  // namespace
}  // namespace qedge::testing
