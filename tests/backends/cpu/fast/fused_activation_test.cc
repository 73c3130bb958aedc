// The fast FusedConv / FusedGemm / FusedMatMul against the reference fused kernels on random shapes (odd sizes,
// padding, strides, dilation, groups, transposed B, broadcast C, batched MatMul), 1 and 3 threads: float results
// within 1e-5 relative, for every activation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fast_test_support.h"

namespace qedge::testing {
namespace {

TensorData random_floats(const Dims& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.5f, 1.5f);
  std::vector<float> v(static_cast<size_t>(num_elements(shape)));
  for (float& e : v) e = u(rng);
  return make_tensor<float>(DType::kFloat32, shape, v);
}

// The activation attributes of each kind.
std::vector<std::vector<Attr>> activations() {
  return {{string_attr("activation", "Relu")},
          {string_attr("activation", "Clip"), floats_attr("activation_params", {-0.25f, 0.5f})},
          {string_attr("activation", "HardSwish")},
          {string_attr("activation", "Sigmoid")},
          {string_attr("activation", "LeakyRelu"), floats_attr("activation_params", {0.1f})}};
}

// |fast - ref| <= 1e-5 * (|ref| + terms), terms = products summed per output: the fast kernels' float tolerance
// (fast_kernels_test.cc; Winograd's transforms round differently from a direct sum).
void expect_fast_matches_reference(const std::string& op, const AttrMap& base,
                                   const std::vector<std::optional<TensorData>>& in, double terms) {
  for (const auto& act : activations()) {
    AttrMap a = base;
    for (const Attr& e : act) a.set(e);
    SCOPED_TRACE(op + " " + a.get_string("activation"));
    KernelRun ref_run;
    ref_run.domain = "qedge";
    auto want = run_kernel(ref_registry(), op, a, in, ref_run);
    ASSERT_TRUE(want.ok()) << want.status().message();
    TestThreads three;
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&three)}) {
      KernelRun run = ref_run;
      run.threads = pool;
      auto got = run_kernel(fast_registry(), op, a, in, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
      const auto g = values_of<float>((*got)[0]), w = values_of<float>((*want)[0]);
      for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], w[i], 1e-5 * (std::fabs(w[i]) + terms)) << i;
    }
  }
}

TEST(FastFusedActivation, Conv) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 12; ++trial) {
    const int64_t group = trial % 3 == 2 ? 2 : 1;
    const int64_t c = group * (1 + rng() % 5), m = group * (4 + rng() % 7);
    const int64_t h = 3 + rng() % 9, w = 3 + rng() % 8, k = 1 + 2 * (rng() % 2);
    const int64_t stride = 1 + rng() % 2, dilation = 1 + (trial % 4 == 3), pad = rng() % 2;
    SCOPED_TRACE("trial " + std::to_string(trial));
    AttrMap a;
    a.set(ints_attr("kernel_shape", {k, k}));
    a.set(ints_attr("strides", {stride, stride}));
    a.set(ints_attr("dilations", {dilation, dilation}));
    a.set(ints_attr("pads", {pad, 0, pad, pad}));
    a.set(int_attr("group", group));
    if (h + 2 * pad < dilation * (k - 1) + 1 || w + pad < dilation * (k - 1) + 1) continue;
    std::vector<std::optional<TensorData>> in{random_floats({1 + trial % 2, c, h, w}, rng),
                                               random_floats({m, c / group, k, k}, rng)};
    if (trial % 2 == 0) in.push_back(random_floats({m}, rng));
    expect_fast_matches_reference("FusedConv", a, in, static_cast<double>(c / group * k * k));
  }
}

// Depthwise (maps 1 or 2 per channel) and 3x3 stride-1 group-1 convolutions (Winograd) write their output in their
// own kernels; the activation must reach it there too.
TEST(FastFusedActivation, DepthwiseAndWinogradConv) {
  std::mt19937 rng(24);
  for (int trial = 0; trial < 6; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const bool depthwise = trial < 4;
    const int64_t c = 3 + trial, m = depthwise ? c * (1 + trial % 2) : 8 + trial;
    const int64_t h = 5 + rng() % 12, w = 5 + rng() % 12, stride = depthwise ? 1 + trial % 2 : 1;
    AttrMap a;
    a.set(ints_attr("strides", {stride, stride}));
    a.set(ints_attr("pads", {1, 1, 1, 1}));
    a.set(int_attr("group", depthwise ? c : 1));
    std::vector<std::optional<TensorData>> in{random_floats({1 + trial % 2, c, h, w}, rng),
                                               random_floats({m, depthwise ? 1 : c, 3, 3}, rng), random_floats({m}, rng)};
    expect_fast_matches_reference("FusedConv", a, in, depthwise ? 9.0 : static_cast<double>(c * 9));
  }
}

TEST(FastFusedActivation, GemmAndMatMul) {
  std::mt19937 rng(22);
  for (int trial = 0; trial < 8; ++trial) {
    const int64_t m = 1 + rng() % 23, k = 1 + rng() % 31, n = 1 + rng() % 19;
    const bool trans_b = trial % 2 == 1;
    AttrMap a;
    a.set(int_attr("transB", trans_b));
    a.set(float_attr("alpha", 0.75f));
    std::vector<std::optional<TensorData>> in{random_floats({m, k}, rng),
                                               random_floats(trans_b ? Dims{n, k} : Dims{k, n}, rng)};
    if (trial % 3 != 0) in.push_back(random_floats(trial % 3 == 1 ? Dims{n} : Dims{m, 1}, rng));
    expect_fast_matches_reference("FusedGemm", a, in, static_cast<double>(k));
    expect_fast_matches_reference("FusedMatMul", AttrMap(),
                                  {random_floats({2, m + 5, k}, rng), random_floats({k, n}, rng)}, static_cast<double>(k));
    // Batched, with broadcast batch dims.
    expect_fast_matches_reference("FusedMatMul", AttrMap(),
                                  {random_floats({2, 1, m + 5, k}, rng), random_floats({3, k, n}, rng)},
                                  static_cast<double>(k));
  }
}

// The plain ONNX ops ignore an `activation` attribute, as the reference does.
TEST(FastFusedActivation, PlainOpsIgnoreTheAttribute) {
  std::mt19937 rng(23);
  AttrMap a;
  a.set(string_attr("activation", "Relu"));
  const std::vector<std::optional<TensorData>> in{random_floats({1, 4, 6, 6}, rng), random_floats({8, 4, 3, 3}, rng)};
  auto want = run_ref_kernel("Conv", a, in);
  auto got = run_kernel(fast_registry(), "Conv", a, in, KernelRun());
  ASSERT_TRUE(want.ok() && got.ok());
  const auto g = values_of<float>((*got)[0]), w = values_of<float>((*want)[0]);
  ASSERT_EQ(g.size(), w.size());
  for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], w[i], 1e-5 * (std::fabs(w[i]) + 36.0)) << i;
}

}  // namespace
}  // namespace qedge::testing
