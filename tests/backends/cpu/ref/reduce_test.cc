#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

TensorData axes_tensor(std::vector<int64_t> axes) {
  const int64_t n = static_cast<int64_t>(axes.size());
  return make_tensor<int64_t>(DType::kInt64, {n}, axes);
}

TEST(RefReduce, SumOverAxisInputKeepsDims) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_ref_kernel("ReduceSum", {}, {x, axes_tensor({1})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 1}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{6, 15}));
}

TEST(RefReduce, MeanOldOpsetUsesAxesAttribute) {
  AttrMap attrs;
  attrs.set(ints_attr("axes", {0}));
  attrs.set(int_attr("keepdims", 0));
  auto x = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_ref_kernel("ReduceMean", attrs, {x}, 1, 13);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{3}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{2.5f, 3.5f, 4.5f}));
}

TEST(RefReduce, EmptySetGivesIdentity) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 0, 4}, {});
  auto max = run_ref_kernel("ReduceMax", {}, {x, axes_tensor({1})});
  ASSERT_TRUE(max.ok()) << max.status().message();
  EXPECT_EQ(max->at(0).shape, (Dims{2, 1, 4}));
  EXPECT_EQ(values_of<float>(max->at(0))[0], -std::numeric_limits<float>::infinity());
  auto prod = run_ref_kernel("ReduceProd", {}, {x, axes_tensor({1})});
  ASSERT_TRUE(prod.ok());
  EXPECT_EQ(values_of<float>(prod->at(0))[3], 1.0f);
}

TEST(RefReduce, NoopWithEmptyAxesCopies) {
  AttrMap attrs;
  attrs.set(int_attr("noop_with_empty_axes", 1));
  auto x = make_tensor<int32_t>(DType::kInt32, {3}, {4, -5, 6});
  auto out = run_ref_kernel("ReduceSum", attrs, {x, axes_tensor({})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{4, -5, 6}));
}

TEST(RefReduce, IntegerTypesAndL2Float16) {
  auto x = make_tensor<int8_t>(DType::kInt8, {4}, {-3, 2, 1, -1});
  auto l1 = run_ref_kernel("ReduceL1", {}, {x});
  ASSERT_TRUE(l1.ok()) << l1.status().message();
  EXPECT_EQ(values_of<int8_t>(l1->at(0)), (std::vector<int8_t>{7}));
  auto h = make_tensor<Float16>(DType::kFloat16, {2}, {Float16(3.0f), Float16(4.0f)});
  auto l2 = run_ref_kernel("ReduceL2", {}, {h});
  ASSERT_TRUE(l2.ok()) << l2.status().message();
  EXPECT_EQ(static_cast<float>(values_of<Float16>(l2->at(0))[0]), 5.0f);
}

TEST(RefReduce, LogSumExpDouble) {
  auto x = make_tensor<double>(DType::kFloat64, {2}, {0.0, std::log(3.0)});
  auto out = run_ref_kernel("ReduceLogSumExp", {}, {x});
  ASSERT_TRUE(out.ok());
  EXPECT_NEAR(values_of<double>(out->at(0))[0], std::log(4.0), 1e-12);
}

TEST(RefReduce, RejectsBadAxis) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_ref_kernel("ReduceMin", {}, {x, axes_tensor({2})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("axis 2"), std::string::npos);
  auto l2 = run_ref_kernel("ReduceL2", {}, {make_tensor<int32_t>(DType::kInt32, {1}, {1})});
  EXPECT_FALSE(l2.ok());
}

TEST(RefReduce, MaxBool) {
  auto x = make_tensor<uint8_t>(DType::kBool, {2, 2}, {0, 1, 0, 0});
  auto out = run_ref_kernel("ReduceMax", {}, {x, axes_tensor({1})});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{1, 0}));
}

TEST(RefArgMax, SelectLastIndexAndKeepdims) {
  AttrMap attrs;
  attrs.set(int_attr("axis", 1));
  attrs.set(int_attr("keepdims", 0));
  auto x = make_tensor<float>(DType::kFloat32, {2, 3}, {1, 5, 5, 7, 2, 7});
  auto first = run_ref_kernel("ArgMax", attrs, {x});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->at(0).shape, (Dims{2}));
  EXPECT_EQ(values_of<int64_t>(first->at(0)), (std::vector<int64_t>{1, 0}));
  attrs.set(int_attr("select_last_index", 1));
  auto last = run_ref_kernel("ArgMax", attrs, {x});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(values_of<int64_t>(last->at(0)), (std::vector<int64_t>{2, 2}));
}

TEST(RefArgMin, RejectsAxisOutOfRange) {
  AttrMap attrs;
  attrs.set(int_attr("axis", -3));
  auto x = make_tensor<int32_t>(DType::kInt32, {2, 3}, {1, 5, 5, 7, 2, 7});
  EXPECT_FALSE(run_ref_kernel("ArgMin", attrs, {x}).ok());
}

}  // namespace
}  // namespace qedge::testing
