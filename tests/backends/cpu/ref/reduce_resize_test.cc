#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

TEST(RefResize, NearestUpsampleByScales) {
  AttrMap attrs;
  attrs.set(string_attr("mode", "nearest"));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto scales = make_tensor<float>(DType::kFloat32, {4}, {1, 1, 2, 3});
  auto out = run_ref_kernel("Resize", attrs, {x, std::nullopt, scales}, 1, 19);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 4, 6}));
  EXPECT_EQ(values_of<float>(out->at(0)),
            (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
}

TEST(RefResize, LinearAlignCornersBySizesOnAxes) {
  AttrMap attrs;
  attrs.set(string_attr("mode", "linear"));
  attrs.set(string_attr("coordinate_transformation_mode", "align_corners"));
  attrs.set(ints_attr("axes", {1}));
  auto x = make_tensor<float>(DType::kFloat32, {1, 2}, {0, 4});
  auto sizes = make_tensor<int64_t>(DType::kInt64, {1}, {5});
  auto out = run_ref_kernel("Resize", attrs, {x, std::nullopt, std::nullopt, sizes}, 1, 19);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 5}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{0, 1, 2, 3, 4}));
}

TEST(RefResize, Uint8LinearRoundsAndRejectsBothScalesAndSizes) {
  AttrMap attrs;
  attrs.set(string_attr("mode", "linear"));
  attrs.set(string_attr("coordinate_transformation_mode", "asymmetric"));
  auto x = make_tensor<uint8_t>(DType::kUint8, {3}, {0, 3, 255});
  auto scales = make_tensor<float>(DType::kFloat32, {1}, {2});
  auto out = run_ref_kernel("Resize", attrs, {x, std::nullopt, scales}, 1, 13);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{0, 2, 3, 129, 255, 255}));
  auto sizes = make_tensor<int64_t>(DType::kInt64, {1}, {6});
  EXPECT_FALSE(run_ref_kernel("Resize", attrs, {x, std::nullopt, scales, sizes}, 1, 13).ok());
}

TEST(RefUpsample, NearestFloorsCoordinates) {
  auto x = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto scales = make_tensor<float>(DType::kFloat32, {1}, {3});
  auto out = run_ref_kernel("Upsample", {}, {x, scales}, 1, 9);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, 1, 1, 2, 2, 2}));
  auto bad = make_tensor<float>(DType::kFloat32, {2}, {3, 3});
  EXPECT_FALSE(run_ref_kernel("Upsample", {}, {x, bad}, 1, 9).ok());
}

}  // namespace
}  // namespace qedge::testing
