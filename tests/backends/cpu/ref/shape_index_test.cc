// Reference kernels of the shape family driven by index or mask tensors: Gather, GatherElements,
// GatherND, ScatterElements, Scatter, ScatterND, TensorScatter, OneHot, ReverseSequence, Compress,
// NonZero, Unique, TopK.
#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

TensorData i64(Dims shape, std::vector<int64_t> v) { return make_tensor<int64_t>(DType::kInt64, std::move(shape), v); }
TensorData i32(Dims shape, std::vector<int32_t> v) { return make_tensor<int32_t>(DType::kInt32, std::move(shape), v); }
TensorData f32(Dims shape, std::vector<float> v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }

TEST(ShapeGather, NegativeIndexWrapsAndOutOfRangeFails) {
  AttrMap a;
  a.set(int_attr("axis", 1));
  const auto x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_ref_kernel("Gather", a, {x, i32({2}, {-1, 0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{3, 1, 6, 4}));
  auto bad = run_ref_kernel("Gather", a, {x, i64({1}, {3})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("3"), std::string::npos);
}

TEST(ShapeGatherElements, PicksAlongAxis) {
  AttrMap a;
  a.set(int_attr("axis", 1));
  auto out = run_ref_kernel("GatherElements", a, {f32({2, 2}, {1, 2, 3, 4}), i64({2, 2}, {0, 0, 1, 0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, 1, 4, 3}));
  EXPECT_FALSE(run_ref_kernel("GatherElements", a, {f32({2, 2}, {1, 2, 3, 4}), i64({2, 2}, {0, 0, 2, 0})}).ok());
}

TEST(ShapeGatherND, BatchDims) {
  AttrMap a;
  a.set(int_attr("batch_dims", 1));
  auto out = run_ref_kernel("GatherND", a, {i32({2, 2}, {1, 2, 3, 4}), i64({2, 1}, {1, 0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2}));
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{2, 3}));
  EXPECT_FALSE(run_ref_kernel("GatherND", a, {i32({2, 2}, {1, 2, 3, 4}), i64({2, 1}, {1, 5})}).ok());
}

TEST(ShapeScatterElements, ReductionsCombineDuplicates) {
  AttrMap a;
  a.set(string_attr("reduction", "add"));
  const auto data = i32({3}, {1, 2, 3});
  const auto ind = i64({3}, {0, 0, -1});
  const auto upd = i32({3}, {10, 20, 30});
  auto add = run_ref_kernel("ScatterElements", a, {data, ind, upd}, 1, 18);
  ASSERT_TRUE(add.ok()) << add.status().message();
  EXPECT_EQ(values_of<int32_t>(add->at(0)), (std::vector<int32_t>{31, 2, 33}));
  a.set(string_attr("reduction", "max"));
  auto mx = run_ref_kernel("ScatterElements", a, {data, ind, upd}, 1, 18);
  ASSERT_TRUE(mx.ok());
  EXPECT_EQ(values_of<int32_t>(mx->at(0)), (std::vector<int32_t>{20, 2, 30}));
  a.set(string_attr("reduction", "avg"));
  EXPECT_FALSE(run_ref_kernel("ScatterElements", a, {data, ind, upd}, 1, 18).ok());
}

TEST(ShapeScatter, OldNameOverwrites) {
  auto out = run_ref_kernel("Scatter", {}, {f32({3}, {0, 0, 0}), i64({2}, {2, 0}), f32({2}, {5, 6})}, 1, 10);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{6, 0, 5}));
  EXPECT_FALSE(run_ref_kernel("Scatter", {}, {f32({3}, {0, 0, 0}), i64({1}, {-4}), f32({1}, {5})}, 1, 10).ok());
}

TEST(ShapeScatterND, UpdatesSlicesWithMul) {
  AttrMap a;
  a.set(string_attr("reduction", "mul"));
  auto out = run_ref_kernel("ScatterND", a, {f32({2, 2}, {1, 2, 3, 4}), i64({1, 1}, {1}), f32({1, 2}, {10, 100})}, 1,
                            18);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{1, 2, 30, 400}));
  EXPECT_FALSE(run_ref_kernel("ScatterND", a, {f32({2, 2}, {1, 2, 3, 4}), i64({1, 1}, {1}), f32({2}, {1, 2})}).ok());
}

TEST(ShapeTensorScatter, LinearAndCircular) {
  const auto past = f32({1, 3, 1}, {1, 2, 3});
  const auto upd = f32({1, 2, 1}, {8, 9});
  AttrMap a;
  a.set(int_attr("axis", 1));
  auto lin = run_ref_kernel("TensorScatter", a, {past, upd, i64({1}, {1})}, 1, 24);
  ASSERT_TRUE(lin.ok()) << lin.status().message();
  EXPECT_EQ(values_of<float>(lin->at(0)), (std::vector<float>{1, 8, 9}));
  EXPECT_FALSE(run_ref_kernel("TensorScatter", a, {past, upd, i64({1}, {2})}, 1, 24).ok());
  a.set(string_attr("mode", "circular"));
  auto circ = run_ref_kernel("TensorScatter", a, {past, upd, i64({1}, {2})}, 1, 24);
  ASSERT_TRUE(circ.ok()) << circ.status().message();
  EXPECT_EQ(values_of<float>(circ->at(0)), (std::vector<float>{9, 2, 8}));
}

TEST(ShapeOneHot, NegativeAndOutOfRangeIndices) {
  auto out = run_ref_kernel("OneHot", {}, {f32({3}, {-1, 1, 7}), i64({}, {3}), i32({2}, {0, 5})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{3, 3}));
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{0, 0, 5, 0, 5, 0, 0, 0, 0}));
  EXPECT_FALSE(run_ref_kernel("OneHot", {}, {f32({1}, {0}), i64({}, {0}), i32({2}, {0, 5})}).ok());
}

TEST(ShapeReverseSequence, ReversesPrefixPerBatch) {
  AttrMap a;
  a.set(int_attr("batch_axis", 0));
  a.set(int_attr("time_axis", 1));
  auto out = run_ref_kernel("ReverseSequence", a, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), i64({2}, {3, 2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{3, 2, 1, 5, 4, 6}));
  EXPECT_FALSE(run_ref_kernel("ReverseSequence", a, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), i64({2}, {4, 2})}).ok());
}

TEST(ShapeCompress, AxisAndFlattened) {
  const auto cond = make_tensor<uint8_t>(DType::kBool, {2}, {0, 1});
  AttrMap a;
  a.set(int_attr("axis", 1));
  auto out = run_ref_kernel("Compress", a, {f32({2, 2}, {1, 2, 3, 4}), cond});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (std::vector<float>{2, 4}));
  auto flat = run_ref_kernel("Compress", {}, {f32({2, 2}, {1, 2, 3, 4}), cond});
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(values_of<float>(flat->at(0)), (std::vector<float>{2}));
  const auto long_cond = make_tensor<uint8_t>(DType::kBool, {3}, {0, 0, 1});
  EXPECT_FALSE(run_ref_kernel("Compress", a, {f32({2, 2}, {1, 2, 3, 4}), long_cond}).ok());
}

TEST(ShapeNonZero, CoordinatesPerDim) {
  auto out = run_ref_kernel("NonZero", {}, {make_tensor<uint8_t>(DType::kBool, {2, 2}, {1, 0, 0, 1})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2}));
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{0, 1, 0, 1}));
}

TEST(ShapeUnique, SortedAndFirstOccurrenceOrder) {
  const auto x = f32({5}, {2, 1, 1, 3, 2});
  auto sorted = run_ref_kernel("Unique", {}, {x}, 4, 11);
  ASSERT_TRUE(sorted.ok()) << sorted.status().message();
  EXPECT_EQ(values_of<float>(sorted->at(0)), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(values_of<int64_t>(sorted->at(1)), (std::vector<int64_t>{1, 0, 3}));
  EXPECT_EQ(values_of<int64_t>(sorted->at(2)), (std::vector<int64_t>{1, 0, 0, 2, 1}));
  EXPECT_EQ(values_of<int64_t>(sorted->at(3)), (std::vector<int64_t>{2, 2, 1}));
  AttrMap a;
  a.set(int_attr("sorted", 0));
  auto unsorted = run_ref_kernel("Unique", a, {x}, 4, 11);
  ASSERT_TRUE(unsorted.ok());
  EXPECT_EQ(values_of<float>(unsorted->at(0)), (std::vector<float>{2, 1, 3}));
  EXPECT_EQ(values_of<int64_t>(unsorted->at(2)), (std::vector<int64_t>{0, 1, 1, 2, 0}));
}

TEST(ShapeUnique, RowsAlongAxis) {
  AttrMap a;
  a.set(int_attr("axis", 0));
  auto out = run_ref_kernel("Unique", a, {make_tensor<int8_t>(DType::kInt8, {3, 2}, {1, 2, 0, 5, 1, 2})}, 1, 11);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2}));
  EXPECT_EQ(values_of<int8_t>(out->at(0)), (std::vector<int8_t>{0, 5, 1, 2}));
}

TEST(ShapeTopK, TiesKeepLowerIndexFirst) {
  AttrMap a;
  a.set(int_attr("largest", 1));
  auto out = run_ref_kernel("TopK", a,
                            {make_tensor<uint64_t>(DType::kUint64, {4}, {3, 7, 3, 7}), i64({1}, {3})}, 2, 11);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint64_t>(out->at(0)), (std::vector<uint64_t>{7, 7, 3}));
  EXPECT_EQ(values_of<int64_t>(out->at(1)), (std::vector<int64_t>{1, 3, 0}));
  EXPECT_FALSE(run_ref_kernel("TopK", a, {f32({2}, {1, 2}), i64({1}, {3})}, 2, 11).ok());
}

}  // namespace
}  // namespace qedge::testing
