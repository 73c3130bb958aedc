// Unit tests for the nn family (conv, pool, normalization, matmul, softmax, einsum). Expected values
// come from the ONNX backend test data or are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>

#include "../../../support/kernel_harness.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

std::vector<float> iota(int n, float start = 0) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

void expect_near(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

TEST(NnConv, PadsAndStrides) {
  // 5x5 ramp, 3x3 ones kernel, pads 1, strides 2: sums of 3x3 neighbourhoods at even positions.
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  attrs.set(ints_attr("strides", {2, 2}));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 5, 5}, iota(25));
  auto w = make_tensor<float>(DType::kFloat32, {1, 1, 3, 3}, std::vector<float>(9, 1));
  auto out = run_ref_kernel("Conv", attrs, {x, w});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 3, 3}));
  expect_near(values_of<float>(out->at(0)), {12, 27, 24, 63, 108, 81, 72, 117, 84});
}

TEST(NnConv, GroupsAndBiasInFloat16) {
  // Depthwise 1-D conv, two channels, kernel [1, -1], bias [10, 20].
  AttrMap attrs;
  attrs.set(int_attr("group", 2));
  auto h = [](std::vector<float> v) {
    std::vector<Float16> r;
    for (float f : v) r.emplace_back(f);
    return r;
  };
  auto x = make_tensor<Float16>(DType::kFloat16, {1, 2, 3}, h({1, 2, 4, 1, 3, 9}));
  auto w = make_tensor<Float16>(DType::kFloat16, {2, 1, 2}, h({1, -1, 1, -1}));
  auto b = make_tensor<Float16>(DType::kFloat16, {2}, h({10, 20}));
  auto out = run_ref_kernel("Conv", attrs, {x, w, b});
  ASSERT_TRUE(out.ok()) << out.status().message();
  std::vector<float> got;
  for (Float16 v : values_of<Float16>(out->at(0))) got.push_back(static_cast<float>(v));
  expect_near(got, {9, 8, 18, 14});
}

TEST(NnConv, RejectsChannelMismatch) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 3, 4, 4}, iota(48));
  auto w = make_tensor<float>(DType::kFloat32, {2, 2, 3, 3}, iota(36));
  auto out = run_ref_kernel("Conv", {}, {x, w});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[2,2,3,3]"), std::string::npos) << out.status().message();
}

TEST(NnConv, RejectsKernelLargerThanInput) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, iota(4));
  auto w = make_tensor<float>(DType::kFloat32, {1, 1, 3, 3}, iota(9));
  EXPECT_FALSE(run_ref_kernel("Conv", {}, {x, w}).ok());
}

TEST(NnConvTranspose, OneDimensional) {
  // From test_convtranspose_1d.
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 3}, {0, 1, 2});
  auto w = make_tensor<float>(DType::kFloat32, {1, 2, 3}, std::vector<float>(6, 1));
  auto out = run_ref_kernel("ConvTranspose", {}, {x, w});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 2, 5}));
  expect_near(values_of<float>(out->at(0)), {0, 1, 3, 3, 2, 0, 1, 3, 3, 2});
}

TEST(NnConvInteger, SubtractsZeroPoints) {
  // x - 1 = [[0, 1], [2, 3]], w - [1] = [[1, 1], [1, 1]] -> single output 6.
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto w = make_tensor<uint8_t>(DType::kUint8, {1, 1, 2, 2}, {2, 2, 2, 2});
  auto xz = make_tensor<uint8_t>(DType::kUint8, {}, {1});
  auto wz = make_tensor<uint8_t>(DType::kUint8, {1}, {1});
  auto out = run_ref_kernel("ConvInteger", {}, {x, w, xz, wz});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{6}));
}

TEST(NnMaxPool, IndicesInColumnMajorOrder) {
  // From test_maxpool_with_argmax_2d_precomputed_strides.
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {2, 2}));
  attrs.set(ints_attr("strides", {2, 2}));
  attrs.set(int_attr("storage_order", 1));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 5, 5}, iota(25, 1));
  auto out = run_ref_kernel("MaxPool", attrs, {x}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {7, 9, 17, 19});
  EXPECT_EQ(values_of<int64_t>(out->at(1)), (std::vector<int64_t>{6, 16, 8, 18}));
}

TEST(NnMaxPool, Uint8SamePadding) {
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {2}));
  attrs.set(string_attr("auto_pad", "SAME_UPPER"));
  auto x = make_tensor<uint8_t>(DType::kUint8, {1, 1, 3}, {5, 200, 7});
  auto out = run_ref_kernel("MaxPool", attrs, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<uint8_t>(out->at(0)), (std::vector<uint8_t>{200, 200, 7}));
}

TEST(NnAveragePool, CountIncludePadAndCeil) {
  // 1x1x3 input [1, 2, 3], kernel 2, stride 2, pads 1: windows {pad, 1} and {2, 3}.
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {2}));
  attrs.set(ints_attr("strides", {2}));
  attrs.set(ints_attr("pads", {1, 1}));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 3}, {1, 2, 3});
  auto excl = run_ref_kernel("AveragePool", attrs, {x});
  ASSERT_TRUE(excl.ok()) << excl.status().message();
  expect_near(values_of<float>(excl->at(0)), {1, 2.5});
  attrs.set(int_attr("count_include_pad", 1));
  auto incl = run_ref_kernel("AveragePool", attrs, {x});
  ASSERT_TRUE(incl.ok()) << incl.status().message();
  expect_near(values_of<float>(incl->at(0)), {0.5, 2.5});
}

TEST(NnPool, RejectsMissingKernelShape) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 3}, {1, 2, 3});
  auto out = run_ref_kernel("MaxPool", {}, {x});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("kernel_shape"), std::string::npos);
}

TEST(NnGlobalPool, AverageAndMax) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4});
  auto avg = run_ref_kernel("GlobalAveragePool", {}, {x});
  ASSERT_TRUE(avg.ok()) << avg.status().message();
  EXPECT_EQ(avg->at(0).shape, (Dims{1, 2, 1, 1}));
  expect_near(values_of<float>(avg->at(0)), {2.5, -2.5});
  auto mx = run_ref_kernel("GlobalMaxPool", {}, {x});
  ASSERT_TRUE(mx.ok()) << mx.status().message();
  expect_near(values_of<float>(mx->at(0)), {4, -1});
}

TEST(NnMaxUnpool, RejectsOutOfRangeIndex) {
  AttrMap attrs;
  attrs.set(ints_attr("kernel_shape", {2}));
  attrs.set(ints_attr("strides", {2}));
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2}, {5, 6});
  auto good = make_tensor<int64_t>(DType::kInt64, {1, 1, 2}, {1, 2});
  auto out = run_ref_kernel("MaxUnpool", attrs, {x, good});
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {0, 5, 6, 0});
  auto bad = make_tensor<int64_t>(DType::kInt64, {1, 1, 2}, {1, 4});
  EXPECT_FALSE(run_ref_kernel("MaxUnpool", attrs, {x, bad}).ok());
}

TEST(NnMatMul, BroadcastsBatchAndVector) {
  // [2, 1, 2] x [2]: each row dotted with [1, 10].
  auto a = make_tensor<float>(DType::kFloat32, {2, 1, 2}, {1, 2, 3, 4});
  auto b = make_tensor<float>(DType::kFloat32, {2}, {1, 10});
  auto out = run_ref_kernel("MatMul", {}, {a, b});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{2, 1}));
  expect_near(values_of<float>(out->at(0)), {21, 43});
}

TEST(NnMatMul, Int32AndShapeError) {
  auto a = make_tensor<int32_t>(DType::kInt32, {1, 2}, {3, -4});
  auto b = make_tensor<int32_t>(DType::kInt32, {2, 2}, {1, 2, 3, 4});
  auto out = run_ref_kernel("MatMul", {}, {a, b});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{-9, -10}));
  auto c = make_tensor<int32_t>(DType::kInt32, {3, 2}, {1, 2, 3, 4, 5, 6});
  auto bad = run_ref_kernel("MatMul", {}, {a, c});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("[3,2]"), std::string::npos);
}

TEST(NnMatMulInteger, PerRowZeroPoint) {
  auto a = make_tensor<uint8_t>(DType::kUint8, {2, 2}, {11, 12, 23, 24});
  auto b = make_tensor<uint8_t>(DType::kUint8, {2, 1}, {1, 1});
  auto az = make_tensor<uint8_t>(DType::kUint8, {2}, {10, 20});
  auto out = run_ref_kernel("MatMulInteger", {}, {a, b, az});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<int32_t>(out->at(0)), (std::vector<int32_t>{3, 7}));
}

TEST(NnGemm, TransposeAlphaBetaBroadcastC) {
  AttrMap attrs;
  attrs.set(int_attr("transA", 1));
  attrs.set(float_attr("alpha", 2.0f));
  attrs.set(float_attr("beta", 0.5f));
  auto a = make_tensor<float>(DType::kFloat32, {2, 1}, {1, 2});  // A^T = [1, 2]
  auto b = make_tensor<float>(DType::kFloat32, {2, 2}, {1, 2, 3, 4});
  auto c = make_tensor<float>(DType::kFloat32, {2}, {10, 20});
  auto out = run_ref_kernel("Gemm", attrs, {a, b, c});
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {2 * 7 + 5, 2 * 10 + 10});
  auto bad_c = make_tensor<float>(DType::kFloat32, {3}, {1, 2, 3});
  EXPECT_FALSE(run_ref_kernel("Gemm", attrs, {a, b, bad_c}).ok());
}

TEST(NnSoftmax, AxisSemanticsChangeAtOpset13) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 2}, {0, 0, 0, std::log(3.0f)});
  // Opset 13: per row.
  auto row = run_ref_kernel("Softmax", {}, {x}, 1, 13);
  ASSERT_TRUE(row.ok()) << row.status().message();
  expect_near(values_of<float>(row->at(0)), {0.5, 0.5, 0.25, 0.75});
  // Opset 11 with axis 0: the whole tensor is one row.
  AttrMap attrs;
  attrs.set(int_attr("axis", 0));
  auto all = run_ref_kernel("Softmax", attrs, {x}, 1, 11);
  ASSERT_TRUE(all.ok()) << all.status().message();
  expect_near(values_of<float>(all->at(0)), {1.f / 6, 1.f / 6, 1.f / 6, 0.5});
}

TEST(NnLogSoftmaxHardmax, Basics) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 3}, {-1, 0, 1});
  auto ls = run_ref_kernel("LogSoftmax", {}, {x}, 1, 13);
  ASSERT_TRUE(ls.ok()) << ls.status().message();
  expect_near(values_of<float>(ls->at(0)), {std::log(0.09003057f), std::log(0.24472846f), std::log(0.66524094f)});
  auto x2 = make_tensor<float>(DType::kFloat32, {2, 2}, {3, 3, 1, 2});
  auto hm = run_ref_kernel("Hardmax", {}, {x2}, 1, 13);
  ASSERT_TRUE(hm.ok()) << hm.status().message();
  expect_near(values_of<float>(hm->at(0)), {1, 0, 0, 1});
  AttrMap bad;
  bad.set(int_attr("axis", 2));
  EXPECT_FALSE(run_ref_kernel("Softmax", bad, {x2}, 1, 13).ok());
}

TEST(NnBatchNormalization, InferenceAndTraining) {
  auto x = make_tensor<float>(DType::kFloat32, {2, 1, 1}, {1, 3});
  auto s = make_tensor<float>(DType::kFloat32, {1}, {2});
  auto b = make_tensor<float>(DType::kFloat32, {1}, {1});
  auto mean = make_tensor<float>(DType::kFloat32, {1}, {1});
  auto var = make_tensor<float>(DType::kFloat32, {1}, {4});
  AttrMap attrs;
  attrs.set(float_attr("epsilon", 0.0f));
  auto inf = run_ref_kernel("BatchNormalization", attrs, {x, s, b, mean, var}, 1, 15);
  ASSERT_TRUE(inf.ok()) << inf.status().message();
  expect_near(values_of<float>(inf->at(0)), {1, 3});  // (x - 1) / 2 * 2 + 1
  attrs.set(int_attr("training_mode", 1));
  attrs.set(float_attr("momentum", 0.5f));
  auto tr = run_ref_kernel("BatchNormalization", attrs, {x, s, b, mean, var}, 3, 15);
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  expect_near(values_of<float>(tr->at(0)), {-1, 3});  // batch mean 2, var 1
  expect_near(values_of<float>(tr->at(1)), {1.5});
  expect_near(values_of<float>(tr->at(2)), {2.5});
}

TEST(NnInstanceNormalization, FromOnnxExample) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4});
  auto s = make_tensor<float>(DType::kFloat32, {2}, {1, 1.5});
  auto b = make_tensor<float>(DType::kFloat32, {2}, {0, 1});
  auto out = run_ref_kernel("InstanceNormalization", {}, {x, s, b});
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {-1.2247356f, 0, 1.2247356f, -0.8371035f, 1, 2.8371034f});
}

TEST(NnLayerNormalization, MeanAndInvStdDevOutputs) {
  AttrMap attrs;
  attrs.set(float_attr("epsilon", 0.0f));
  auto x = make_tensor<float>(DType::kFloat32, {2, 2}, {1, 3, 2, 2});
  auto w = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto b = make_tensor<float>(DType::kFloat32, {1}, {10});
  auto out = run_ref_kernel("LayerNormalization", attrs, {x, w, b}, 3, 17);
  ASSERT_TRUE(out.ok()) << out.status().message();
  // Row 2 has zero variance: inv_std is inf and 0 * inf is nan; only row 1 is checked.
  auto y = values_of<float>(out->at(0));
  EXPECT_NEAR(y[0], 9, 1e-5);
  EXPECT_NEAR(y[1], 12, 1e-5);
  EXPECT_EQ(out->at(1).shape, (Dims{2, 1}));
  expect_near({values_of<float>(out->at(1))[0]}, {2});
  expect_near({values_of<float>(out->at(2))[0]}, {1});
  auto bad_w = make_tensor<float>(DType::kFloat32, {3}, {1, 2, 3});
  EXPECT_FALSE(run_ref_kernel("LayerNormalization", attrs, {x, bad_w}, 1, 17).ok());
}

TEST(NnRmsNormalization, ScalesByRootMeanSquare) {
  AttrMap attrs;
  attrs.set(float_attr("epsilon", 0.0f));
  auto x = make_tensor<float>(DType::kFloat32, {1, 2}, {3, 4});  // rms = sqrt(12.5)
  auto w = make_tensor<float>(DType::kFloat32, {2}, {1, 2});
  auto out = run_ref_kernel("RMSNormalization", attrs, {x, w}, 1, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float r = std::sqrt(12.5f);
  expect_near(values_of<float>(out->at(0)), {3 / r, 8 / r});
}

TEST(NnGroupNormalization, RejectsGroupsNotDividingChannels) {
  AttrMap attrs;
  attrs.set(int_attr("num_groups", 3));
  auto x = make_tensor<float>(DType::kFloat32, {1, 4, 1}, {1, 2, 3, 4});
  auto s = make_tensor<float>(DType::kFloat32, {4}, {1, 1, 1, 1});
  EXPECT_FALSE(run_ref_kernel("GroupNormalization", attrs, {x, s, s}, 1, 21).ok());
  attrs.set(int_attr("num_groups", 2));
  attrs.set(float_attr("epsilon", 0.0f));
  auto out = run_ref_kernel("GroupNormalization", attrs, {x, s, s}, 1, 21);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {0, 2, 0, 2});  // each group normalizes to [-1, 1], then + 1
}

TEST(NnLpNormalization, L1AlongLastAxis) {
  AttrMap attrs;
  attrs.set(int_attr("p", 1));
  auto x = make_tensor<float>(DType::kFloat32, {2, 2}, {1, -3, 0, 0});
  auto out = run_ref_kernel("LpNormalization", attrs, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {0.25, -0.75, 0, 0});
}

TEST(NnLrn, SumsNeighbouringChannels) {
  AttrMap attrs;
  attrs.set(int_attr("size", 3));
  attrs.set(float_attr("alpha", 3.0f));
  attrs.set(float_attr("beta", 1.0f));
  attrs.set(float_attr("bias", 1.0f));
  auto x = make_tensor<float>(DType::kFloat32, {1, 2, 1}, {1, 2});
  auto out = run_ref_kernel("LRN", attrs, {x});
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {1.f / 6, 2.f / 6});  // 1 + 3/3 * (1 + 4)
}

TEST(NnEinsum, DiagonalTransposeAndImplicitOutput) {
  auto x = make_tensor<double>(DType::kFloat64, {2, 2}, {1, 2, 3, 4});
  AttrMap diag;
  diag.set(string_attr("equation", "ii->i"));
  auto d = run_ref_kernel("Einsum", diag, {x}, 1, 12);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(values_of<double>(d->at(0)), (std::vector<double>{1, 4}));
  AttrMap implicit;
  implicit.set(string_attr("equation", "ji"));  // implicit output "ij": a transpose
  auto t = run_ref_kernel("Einsum", implicit, {x}, 1, 12);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(values_of<double>(t->at(0)), (std::vector<double>{1, 3, 2, 4}));
  AttrMap batch;
  batch.set(string_attr("equation", "...ij,...jk"));
  auto m = run_ref_kernel("Einsum", batch, {x, x}, 1, 12);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(values_of<double>(m->at(0)), (std::vector<double>{7, 10, 15, 22}));
  AttrMap bad;
  bad.set(string_attr("equation", "ij,jk->ik"));
  EXPECT_FALSE(run_ref_kernel("Einsum", bad, {x}, 1, 12).ok());
}

TEST(NnCol2Im, SumsOverlappingBlocks) {
  // Image 1x3, blocks 1x2, stride 1: two positions, the middle pixel gets both.
  auto x = make_tensor<float>(DType::kFloat32, {1, 2, 2}, {1, 2, 3, 4});
  auto image = make_tensor<int64_t>(DType::kInt64, {2}, {1, 3});
  auto block = make_tensor<int64_t>(DType::kInt64, {2}, {1, 2});
  auto out = run_ref_kernel("Col2Im", {}, {x, image, block}, 1, 18);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 1, 3}));
  expect_near(values_of<float>(out->at(0)), {1, 2 + 3, 4});
}

TEST(NnDeformConv, ZeroOffsetIsPlainConv) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto w = make_tensor<float>(DType::kFloat32, {1, 1, 1, 2}, {1, 10});
  auto offset = make_tensor<float>(DType::kFloat32, {1, 4, 2, 1}, std::vector<float>(8, 0));
  auto out = run_ref_kernel("DeformConv", {}, {x, w, offset}, 1, 22);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {21, 43});
  // Shift every tap half a pixel right: samples interpolate, the last column reads half zero.
  auto half = make_tensor<float>(DType::kFloat32, {1, 4, 2, 1}, {0, 0, 0.5f, 0.5f, 0, 0, 0.5f, 0.5f});
  auto shifted = run_ref_kernel("DeformConv", {}, {x, w, half}, 1, 22);
  ASSERT_TRUE(shifted.ok()) << shifted.status().message();
  expect_near(values_of<float>(shifted->at(0)), {1.5f + 10, 3.5f + 20});
}

TEST(NnErrors, BadAttributesAndShapesAreErrors) {
  auto x = make_tensor<float>(DType::kFloat32, {1, 1, 4, 4}, iota(16));
  auto w = make_tensor<float>(DType::kFloat32, {1, 1, 2, 2}, iota(4));
  AttrMap zero_stride;
  zero_stride.set(ints_attr("strides", {0, 1}));
  EXPECT_FALSE(run_ref_kernel("Conv", zero_stride, {x, w}).ok());
  AttrMap short_pads;
  short_pads.set(ints_attr("pads", {1, 1}));
  EXPECT_FALSE(run_ref_kernel("Conv", short_pads, {x, w}).ok());
  AttrMap huge_pads;
  huge_pads.set(ints_attr("kernel_shape", {2, 2}));
  huge_pads.set(ints_attr("pads", {2000000000, 2000000000, 2000000000, 2000000000}));
  EXPECT_FALSE(run_ref_kernel("MaxPool", huge_pads, {x}).ok());
  AttrMap huge_stride;
  huge_stride.set(ints_attr("strides", {2000000000, 2000000000}));
  EXPECT_FALSE(
      run_ref_kernel("ConvTranspose", huge_stride, {make_tensor<float>(DType::kFloat32, {1, 1, 200000, 200000}, {}), w})
          .ok());
  AttrMap two_ellipses;
  two_ellipses.set(string_attr("equation", "...i...->i"));
  EXPECT_FALSE(run_ref_kernel("Einsum", two_ellipses, {x}, 1, 12).ok());
  AttrMap unknown_out;
  unknown_out.set(string_attr("equation", "abcd->z"));
  EXPECT_FALSE(run_ref_kernel("Einsum", unknown_out, {x}, 1, 12).ok());
  auto block = make_tensor<int64_t>(DType::kInt64, {2}, {3, 3});
  EXPECT_FALSE(run_ref_kernel("Col2Im", {},
                              {make_tensor<float>(DType::kFloat32, {1, 4, 4}, iota(16)),
                               make_tensor<int64_t>(DType::kInt64, {2}, {2, 2}), block},
                              1, 18)
                   .ok());
}

}  // namespace
}  // namespace qedge::testing
