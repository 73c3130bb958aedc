// Extreme attribute and index values for the shape family: each must give a clean result or an
// error, never UB (this suite runs under ASan and UBSan).
#include <gtest/gtest.h>

#include <limits>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TensorData i64(Dims shape, std::vector<int64_t> v) { return make_tensor<int64_t>(DType::kInt64, std::move(shape), v); }
TensorData f32(Dims shape, std::vector<float> v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }

TEST(ShapeExtremes, SliceWithInt64Limits) {
  const auto x = f32({4}, {1, 2, 3, 4});
  auto back = run_ref_kernel("Slice", {}, {x, i64({1}, {kMax}), i64({1}, {kMin}), i64({1}, {0}), i64({1}, {kMin})});
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(values_of<float>(back->at(0)), (std::vector<float>{4}));
  auto fwd = run_ref_kernel("Slice", {}, {x, i64({1}, {kMin}), i64({1}, {kMax}), i64({1}, {0}), i64({1}, {kMax})});
  ASSERT_TRUE(fwd.ok()) << fwd.status().message();
  EXPECT_EQ(values_of<float>(fwd->at(0)), (std::vector<float>{1}));
}

TEST(ShapeExtremes, HugeShapesAreErrors) {
  const auto x = f32({2}, {1, 2});
  EXPECT_FALSE(run_ref_kernel("Tile", {}, {x, i64({1}, {kMax})}).ok());
  EXPECT_FALSE(run_ref_kernel("Expand", {}, {x, i64({2}, {kMax, 2})}).ok());
  EXPECT_FALSE(run_ref_kernel("Reshape", {}, {x, i64({3}, {kMax, kMax, -1})}).ok());
  EXPECT_FALSE(run_ref_kernel("Pad", {}, {x, i64({2}, {kMax, 0})}).ok());
  EXPECT_FALSE(run_ref_kernel("Pad", {}, {x, i64({2}, {kMin, 0})}).ok());
  EXPECT_FALSE(run_ref_kernel("ConstantOfShape", {}, {i64({2}, {kMax, 4})}).ok());
  EXPECT_FALSE(run_ref_kernel("CenterCropPad", {}, {x, i64({1}, {kMax})}).ok());
}

TEST(ShapeExtremes, RangeWithInt64Limits) {
  EXPECT_FALSE(run_ref_kernel("Range", {}, {i64({}, {kMin}), i64({}, {kMax}), i64({}, {1})}).ok());
  auto one = run_ref_kernel("Range", {}, {i64({}, {kMin}), i64({}, {kMax}), i64({}, {kMax})});
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(values_of<int64_t>(one->at(0)), (std::vector<int64_t>{kMin, -1, kMax - 1}));
  EXPECT_FALSE(run_ref_kernel("Range", {}, {f32({}, {0}), f32({}, {1}), f32({}, {0})}).ok());
}

TEST(ShapeExtremes, IndicesAtInt64Limits) {
  const auto x = f32({2}, {1, 2});
  EXPECT_FALSE(run_ref_kernel("Gather", {}, {x, i64({1}, {kMin})}).ok());
  EXPECT_FALSE(run_ref_kernel("GatherElements", {}, {x, i64({1}, {kMax})}).ok());
  EXPECT_FALSE(run_ref_kernel("GatherND", {}, {x, i64({1, 1}, {kMin})}).ok());
  EXPECT_FALSE(run_ref_kernel("ScatterND", {}, {x, i64({1, 1}, {kMax}), f32({1}, {0})}).ok());
  EXPECT_FALSE(run_ref_kernel("ScatterElements", {}, {x, i64({1}, {kMin}), f32({1}, {0})}).ok());
  EXPECT_FALSE(run_ref_kernel("TopK", {}, {x, i64({1}, {kMin})}, 2).ok());
  EXPECT_FALSE(run_ref_kernel("ReverseSequence", {}, {f32({2, 1}, {1, 2}), i64({1}, {kMax})}).ok());
  AttrMap circular;
  circular.set(string_attr("mode", "circular"));
  auto ts =
      run_ref_kernel("TensorScatter", circular, {f32({1, 2, 1}, {1, 2}), f32({1, 1, 1}, {9}), i64({1}, {kMax})}, 1, 24);
  ASSERT_TRUE(ts.ok()) << ts.status().message();
  EXPECT_EQ(values_of<float>(ts->at(0)), (std::vector<float>{1, 9}));  // kMax % 2 == 1
}

TEST(ShapeExtremes, AttributesAtInt64Limits) {
  AttrMap a;
  a.set(int_attr("k", kMin));
  auto eye = run_ref_kernel("EyeLike", a, {f32({2, 2}, {0, 0, 0, 0})});
  ASSERT_TRUE(eye.ok()) << eye.status().message();
  EXPECT_EQ(values_of<float>(eye->at(0)), (std::vector<float>{0, 0, 0, 0}));
  AttrMap b;
  b.set(int_attr("blocksize", kMax));
  EXPECT_FALSE(run_ref_kernel("SpaceToDepth", b, {f32({1, 1, 1, 1}, {1})}).ok());
  AttrMap axis;
  axis.set(int_attr("axis", kMin));
  EXPECT_FALSE(run_ref_kernel("Concat", axis, {f32({2}, {1, 2})}).ok());
  EXPECT_FALSE(run_ref_kernel("Flatten", axis, {f32({2}, {1, 2})}).ok());
  auto trilu = run_ref_kernel("Trilu", {}, {f32({2, 2}, {1, 2, 3, 4}), i64({}, {kMin})});
  ASSERT_TRUE(trilu.ok());
  EXPECT_EQ(values_of<float>(trilu->at(0)), (std::vector<float>{1, 2, 3, 4}));
}

TEST(ShapeExtremes, CumSumWrapsSignedOverflow) {
  auto out = run_ref_kernel("CumSum", {}, {i64({2}, {kMax, 1}), i64({}, {0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{kMax, kMin}));
}

}  // namespace
}  // namespace qedge::testing
