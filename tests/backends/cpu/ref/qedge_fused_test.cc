// qedge.FusedConv / FusedGemm / FusedMatMul: bit for bit the base op followed by the standalone activation op, for
// every activation and float32/float64; clear errors for bad activation attributes and integer outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "../../../support/kernel_harness.h"

namespace qedge::testing {
namespace {

template <typename T>
TensorData random_tensor(DType t, const Dims& shape, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-8.0, 8.0);
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (T& e : v) e = static_cast<T>(u(rng));
  if (v.size() > 200) v[1] = std::numeric_limits<T>::quiet_NaN();  // a NaN must come out of both forms alike
  return make_tensor<T>(t, shape, v);
}

struct Case {
  const char* op;
  std::vector<Attr> fused;  // activation attributes
  AttrMap standalone;
  std::vector<float> clip_bounds;  // Clip's min/max inputs
};

std::vector<Case> cases() {
  AttrMap leaky;
  leaky.set(float_attr("alpha", 0.3f));
  return {{"Relu", {string_attr("activation", "Relu")}, {}, {}},
          {"Clip", {string_attr("activation", "Clip"), floats_attr("activation_params", {0.0f, 6.0f})}, {}, {0.0f, 6.0f}},
          {"Clip", {string_attr("activation", "Clip"), floats_attr("activation_params", {2.0f, -1.0f})}, {}, {2.0f, -1.0f}},
          {"HardSwish", {string_attr("activation", "HardSwish")}, {}, {}},
          {"Sigmoid", {string_attr("activation", "Sigmoid")}, {}, {}},
          {"LeakyRelu", {string_attr("activation", "LeakyRelu"), floats_attr("activation_params", {0.3f})}, leaky, {}}};
}

template <typename T>
void expect_fused_equals_separate(DType t, const std::string& base, const AttrMap& attrs,
                                  const std::vector<std::optional<TensorData>>& in) {
  auto y = run_ref_kernel(base, attrs, in);
  ASSERT_TRUE(y.ok()) << y.status().message();
  for (const Case& c : cases()) {
    SCOPED_TRACE(base + " + " + c.op);
    std::vector<std::optional<TensorData>> act_in{(*y)[0]};
    for (float b : c.clip_bounds) act_in.push_back(make_tensor<T>(t, {}, {static_cast<T>(b)}));
    auto want = run_ref_kernel(c.op, c.standalone, act_in);
    ASSERT_TRUE(want.ok()) << want.status().message();
    AttrMap fa = attrs;
    for (const Attr& a : c.fused) fa.set(a);
    auto got = run_ref_kernel("Fused" + base, fa, in, 1, 22, "qedge");
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ((*got)[0].shape, (*want)[0].shape);
    EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes);
  }
}

template <typename T>
void check_all(DType t) {
  std::mt19937 rng(4);
  AttrMap conv;
  conv.set(ints_attr("pads", {1, 0, 0, 1}));
  conv.set(ints_attr("strides", {2, 1}));
  conv.set(ints_attr("dilations", {1, 2}));
  conv.set(int_attr("group", 2));
  expect_fused_equals_separate<T>(t, "Conv", conv,
                                  {random_tensor<T>(t, {2, 4, 7, 6}, rng), random_tensor<T>(t, {6, 2, 3, 2}, rng),
                                   random_tensor<T>(t, {6}, rng)});
  AttrMap gemm;
  gemm.set(int_attr("transA", 1));
  gemm.set(float_attr("beta", 0.5f));
  expect_fused_equals_separate<T>(t, "Gemm", gemm,
                                  {random_tensor<T>(t, {5, 3}, rng), random_tensor<T>(t, {5, 7}, rng),
                                   random_tensor<T>(t, {1, 7}, rng)});
  expect_fused_equals_separate<T>(t, "MatMul", AttrMap(),
                                  {random_tensor<T>(t, {2, 3, 5}, rng), random_tensor<T>(t, {5, 4}, rng)});
}

TEST(QedgeFused, Float32EqualsBaseThenActivation) { check_all<float>(DType::kFloat32); }
TEST(QedgeFused, Float64EqualsBaseThenActivation) { check_all<double>(DType::kFloat64); }

TEST(QedgeFused, NoActivationIsTheBaseOp) {
  std::mt19937 rng(8);
  const auto a = random_tensor<float>(DType::kFloat32, {3, 4}, rng), b = random_tensor<float>(DType::kFloat32, {4, 2}, rng);
  auto want = run_ref_kernel("MatMul", AttrMap(), {a, b});
  auto got = run_ref_kernel("FusedMatMul", AttrMap(), {a, b}, 1, 22, "qedge");
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes);
}

TEST(QedgeFused, BadAttributesAndTypesAreClearErrors) {
  std::mt19937 rng(9);
  const auto a = random_tensor<float>(DType::kFloat32, {3, 4}, rng), b = random_tensor<float>(DType::kFloat32, {4, 2}, rng);
  auto run = [&](std::vector<Attr> attrs, const std::vector<std::optional<TensorData>>& in) {
    AttrMap m;
    for (Attr& e : attrs) m.set(std::move(e));
    return run_ref_kernel("FusedMatMul", m, in, 1, 22, "qedge").status();
  };
  Status s = run({string_attr("activation", "Gelu")}, {a, b});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("activation 'Gelu'"), std::string::npos) << s.message();
  s = run({string_attr("activation", "Clip"), floats_attr("activation_params", {1.0f})}, {a, b});
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("takes 2 activation_params, got 1"), std::string::npos) << s.message();
  const auto ia = make_tensor<int32_t>(DType::kInt32, {1, 2}, {1, 2}), ib = make_tensor<int32_t>(DType::kInt32, {2, 1}, {3, 4});
  s = run({string_attr("activation", "Relu")}, {ia, ib});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("float outputs only"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace qedge::testing
