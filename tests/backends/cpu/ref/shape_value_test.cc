// Reference kernels of the shape family that make values: Shape, Size, Constant, ConstantOfShape,
// Range, Trilu, EyeLike, CumSum, CumProd.
#include <gtest/gtest.h>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

TensorData i64(Dims shape, std::vector<int64_t> v) { return make_tensor<int64_t>(DType::kInt64, std::move(shape), v); }
TensorData i32(Dims shape, std::vector<int32_t> v) { return make_tensor<int32_t>(DType::kInt32, std::move(shape), v); }
TensorData f32(Dims shape, std::vector<float> v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }

TEST(ShapeShape, StartAndEndClamp) {
  AttrMap a;
  a.set(int_attr("start", -2));
  a.set(int_attr("end", 100));
  auto out = run_ref_kernel("Shape", a, {f32({2, 3, 4}, std::vector<float>(24))});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{3, 4}));
}

TEST(ShapeSize, CountsElements) {
  auto out = run_ref_kernel("Size", {}, {f32({2, 3}, std::vector<float>(6))});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, Dims{});
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{6}));
}

TEST(ShapeConstant, ValueIntsAndMissingValue) {
  AttrMap a;
  a.set(ints_attr("value_ints", {4, 5}));
  auto out = run_ref_kernel("Constant", a, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kInt64);
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{4, 5}));
  EXPECT_FALSE(run_ref_kernel("Constant", {}, {}).ok());
}

TEST(ShapeConstantOfShape, FillsWithValueTensorType) {
  AttrMap a;
  Attr v;
  v.name = "value";
  v.kind = AttrKind::kTensor;
  v.tensor = i32({1}, {7});
  a.set(v);
  auto out = run_ref_kernel("ConstantOfShape", a, {i64({2}, {2, 2})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kInt32);
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{7, 7, 7, 7}));
  auto dflt = run_ref_kernel("ConstantOfShape", {}, {i64({1}, {3})});
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(values_of<float>(dflt->at(0)), (std::vector<float>{0, 0, 0}));
  EXPECT_FALSE(run_ref_kernel("ConstantOfShape", {}, {i64({1}, {-3})}).ok());
}

TEST(ShapeRange, IntegerNegativeDeltaAndHalf) {
  auto out = run_ref_kernel("Range", {}, {i32({}, {10}), i32({}, {4}), i32({}, {-3})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{10, 7}));
  const auto h = [](float f) { return Float16(f); };
  auto half = run_ref_kernel("Range", {},
                             {make_tensor<Float16>(DType::kFloat16, {}, {h(1)}),
                              make_tensor<Float16>(DType::kFloat16, {}, {h(2)}),
                              make_tensor<Float16>(DType::kFloat16, {}, {h(0.25f)})});
  ASSERT_TRUE(half.ok()) << half.status().message();
  ASSERT_EQ(half->at(0).shape, (Dims{4}));
  EXPECT_EQ(static_cast<float>(values_of<Float16>(half->at(0))[3]), 1.75f);
  EXPECT_FALSE(run_ref_kernel("Range", {}, {i32({}, {0}), i32({}, {4}), i32({}, {0})}).ok());
}

TEST(ShapeTrilu, LowerWithK) {
  AttrMap a;
  a.set(int_attr("upper", 0));
  auto out = run_ref_kernel("Trilu", a, {i64({2, 3}, {1, 2, 3, 4, 5, 6}), i64({}, {-1})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int64_t>(out->at(0)), (std::vector<int64_t>{0, 0, 0, 4, 0, 0}));
  EXPECT_FALSE(run_ref_kernel("Trilu", a, {i64({3}, {1, 2, 3})}).ok());
}

TEST(ShapeEyeLike, DtypeAndOffset) {
  AttrMap a;
  a.set(int_attr("dtype", static_cast<int64_t>(DType::kFloat64)));
  a.set(int_attr("k", 1));
  auto out = run_ref_kernel("EyeLike", a, {i32({2, 3}, std::vector<int32_t>(6))});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kFloat64);
  EXPECT_EQ(values_of<double>(out->at(0)), (std::vector<double>{0, 1, 0, 0, 0, 1}));
  EXPECT_FALSE(run_ref_kernel("EyeLike", {}, {i32({3}, {0, 0, 0})}).ok());
}

TEST(ShapeCumSum, ExclusiveReverse) {
  AttrMap a;
  a.set(int_attr("exclusive", 1));
  a.set(int_attr("reverse", 1));
  auto out = run_ref_kernel("CumSum", a, {i32({4}, {1, 2, 3, 4}), i32({}, {0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{9, 7, 4, 0}));
  EXPECT_FALSE(run_ref_kernel("CumSum", a, {i32({4}, {1, 2, 3, 4}), i32({}, {1})}).ok());
}

TEST(ShapeCumProd, AlongAxisOneAndWraps) {
  auto out = run_ref_kernel("CumProd", {}, {make_tensor<double>(DType::kFloat64, {2, 2}, {1, 2, 3, 4}), i64({}, {-1})},
                            1, 26);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<double>(out->at(0)), (std::vector<double>{1, 2, 3, 12}));
  // int8 products wrap around as in numpy: 16 * 16 = 256 -> 0.
  auto wrap = run_ref_kernel("CumProd", {}, {make_tensor<int8_t>(DType::kInt8, {2}, {16, 16}), i64({}, {0})}, 1, 26);
  ASSERT_TRUE(wrap.ok()) << wrap.status().message();
  EXPECT_EQ(values_of<int8_t>(wrap->at(0)), (std::vector<int8_t>{16, 0}));
}

}  // namespace
}  // namespace qedge::testing
