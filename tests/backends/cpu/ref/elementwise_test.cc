#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

TEST(RefAdd, BroadcastsRowOverMatrix) {
  auto a = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = make_tensor<float>(DType::kFloat32, {3}, {10, 20, 30});
  auto out = run_ref_kernel("Add", {}, {a, b});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 3}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST(RefAdd, RejectsIncompatibleShapes) {
  auto a = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto out = run_ref_kernel("Add", {}, {a, b});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2,3]"), std::string::npos);
}

TEST(RefLeakyRelu, UsesAlpha) {
  AttrMap attrs;
  attrs.set(float_attr("alpha", 0.5f));
  auto x = make_tensor<float>(DType::kFloat32, {3}, {-2, 0, 3});
  auto out = run_ref_kernel("LeakyRelu", attrs, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{-1, 0, 3}));
}

}  // namespace
}  // namespace qedge::testing
