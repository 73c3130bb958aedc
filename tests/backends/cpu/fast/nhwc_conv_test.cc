// qedge.NhwcConv, the channels-last Conv of the converter's layout pass: the fast kernel (XNNPACK's NHWC convolution,
// or the fast NCHW conv between channel moves) against the reference on random shapes, 1 and 3 threads, within 1e-5
// relative: dense, grouped and depthwise (channel multiplier 1 and 2), strides, dilations, asymmetric pads, batch 2,
// every fused activation, with and without bias; threads split maps, groups or (layers with few maps) output rows.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::testing {
namespace {

#if QEDGE_WITH_XNNPACK
constexpr bool kWithXnnpack = true;
#else
constexpr bool kWithXnnpack = false;
#endif

struct NhwcCase {
  int64_t n, h, w, c, m, kh, kw, group;
  std::vector<int64_t> strides, pads, dilations;
};

std::vector<NhwcCase> cases() {
  std::vector<NhwcCase> c = {
      {1, 14, 14, 96, 24, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},     // mobilenet_v2 projection
      {1, 7, 7, 160, 960, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},     // expansion, maps split over threads
      {1, 15, 17, 3, 32, 3, 3, 1, {2, 2}, {1, 1, 1, 1}, {1, 1}},      // stem: 3 channels, stride 2
      {2, 11, 9, 40, 40, 3, 3, 40, {1, 1}, {1, 1, 1, 1}, {1, 1}},     // depthwise, batch 2
      {1, 12, 13, 48, 48, 3, 3, 48, {2, 2}, {0, 1, 1, 0}, {1, 1}},    // depthwise stride 2, asymmetric pads
      {1, 9, 10, 16, 32, 5, 5, 16, {1, 1}, {2, 2, 2, 2}, {1, 1}},     // channel multiplier 2
      {1, 13, 11, 12, 18, 3, 3, 3, {1, 2}, {2, 0, 1, 3}, {2, 1}},     // grouped, dilated, uneven strides
      {1, 10, 10, 8, 21, 7, 7, 1, {3, 3}, {3, 3, 3, 3}, {1, 1}},      // 7x7 stride 3, maps not a multiple of 16
      {1, 6, 5, 33, 17, 2, 3, 1, {1, 1}, {0, 0, 0, 0}, {1, 2}},       // even kernel, dilated width
      {1, 2, 3, 8, 16, 3, 3, 1, {1, 1}, {1, 1, 1, 1}, {1, 1}},        // image smaller than the window
      {1, 3, 6, 8, 16, 3, 3, 1, {1, 1}, {5, 1, 5, 1}, {1, 1}},        // rows of windows wholly in the padding
      {1, 23, 9, 16, 24, 3, 3, 1, {2, 2}, {1, 0, 2, 1}, {2, 1}},      // few maps: output rows split over threads
  };
  std::mt19937 rng(3);
  for (int i = 0; i < 8; ++i) {
    const int64_t group = 1 + static_cast<int64_t>(rng() % 3);
    const int64_t s = 1 + static_cast<int64_t>(rng() % 2);
    const auto r = [&](int64_t lo, int64_t n) { return lo + static_cast<int64_t>(rng() % n); };
    c.push_back({r(1, 2), r(3, 15), r(3, 15), group * r(1, 20), group * r(1, 40), r(1, 3), r(1, 3), group, {s, s},
                 {r(0, 2), r(0, 2), r(0, 2), r(0, 2)}, {1, 1}});
  }
  return c;
}

AttrMap conv_attrs(const NhwcCase& c) {
  return attrs({int_attr("group", c.group), ints_attr("strides", c.strides), ints_attr("pads", c.pads),
                ints_attr("dilations", c.dilations)});
}

// Runs the qedge-domain `op` on the fast kernels and the reference, float tolerance.
void expect_close(const AttrMap& a, const std::vector<std::optional<TensorData>>& in, double tol_scale,
                  const std::vector<size_t>& constant_inputs = {}) {
  compare_with_reference(
      "NhwcConv", a, in,
      [&](const TensorData& got, const TensorData& want) {
        const auto g = values_of<float>(got), w = values_of<float>(want);
        ASSERT_EQ(g.size(), w.size());
        for (size_t i = 0; i < g.size(); ++i) {
          ASSERT_LE(std::fabs(g[i] - w[i]), 1e-5 * (std::fabs(w[i]) + tol_scale)) << "element " << i;
        }
      },
      "qedge", constant_inputs);
}

bool fits_xnnpack(const AttrMap& a, const std::vector<TensorData>& in) {
  std::vector<Tensor> views;
  for (const TensorData& t : in) views.push_back(t.view());
  KernelContext ctx;
  ctx.op_type = "NhwcConv";
  ctx.domain = "qedge";
  ctx.attrs = &a;
  for (const Tensor& v : views) ctx.inputs.push_back(&v);
  return fast::xnn_nhwc_conv_fits(ctx);
}

TEST(NhwcConv, MatchesReferenceOnRandomShapes) {
  std::mt19937 rng(17);
  for (const NhwcCase& c : cases()) {
    SCOPED_TRACE("x [" + std::to_string(c.n) + "," + std::to_string(c.h) + "," + std::to_string(c.w) + "," +
                 std::to_string(c.c) + "] m " + std::to_string(c.m) + " k " + std::to_string(c.kh) + "x" +
                 std::to_string(c.kw) + " group " + std::to_string(c.group));
    const TensorData x = random_tensor({c.n, c.h, c.w, c.c}, rng);
    const TensorData w = random_tensor({c.m, c.kh, c.kw, c.c / c.group}, rng);
    const TensorData b = random_tensor({c.m}, rng);
    const AttrMap a = conv_attrs(c);
    EXPECT_EQ(fits_xnnpack(a, {x, w, b}), kWithXnnpack);
    const double terms = static_cast<double>(c.kh * c.kw * (c.c / c.group));
    expect_close(a, {x, w, b}, terms);
    expect_close(a, {x, w, std::nullopt}, terms);
  }
}

TEST(NhwcConv, FusedActivationsMatchReference) {
  const std::vector<std::pair<std::string, std::vector<float>>> acts = {
      {"Relu", {}}, {"Clip", {0.0f, 6.0f}}, {"Clip", {0.5f, -0.5f}}, {"Clip", {0.25f, 0.25f}}, {"HardSwish", {}},
      {"Sigmoid", {}}, {"LeakyRelu", {0.1f}}};
  std::mt19937 rng(23);
  const NhwcCase c{1, 9, 8, 24, 40, 3, 3, 1, {2, 2}, {1, 1, 1, 1}, {1, 1}};
  const TensorData x = random_tensor({c.n, c.h, c.w, c.c}, rng);
  const TensorData w = random_tensor({c.m, c.kh, c.kw, c.c}, rng);
  const TensorData b = random_tensor({c.m}, rng);
  for (const auto& [name, params] : acts) {
    SCOPED_TRACE(name);
    AttrMap a = conv_attrs(c);
    a.set(string_attr("activation", name));
    if (!params.empty()) a.set(floats_attr("activation_params", params));
    expect_close(a, {x, w, b}, 9.0 * c.c);
  }
}

// The depthwise 3x3 form on our channels-last kernel (nhwc/nhwc_depthwise_3x3.h, on CPUs with AVX2+FMA): rows of more
// than six interior windows and their remainders, channel counts with a partial block of eight (or only one), strides
// 1, 2 and 3 (one window at a time) and uneven ones, wide and asymmetric pads (several windows crossing a row's ends,
// rows wholly in the padding), an image narrower than the window, batch 2; every fused activation, with and without
// bias, weights as model constants (rearranged once) or not (per run), 1 and 3 threads.
TEST(NhwcConv, Depthwise3x3FormsMatchReference) {
  struct Case {
    Dims x;
    std::vector<int64_t> strides, pads;
  };
  const std::vector<Case> cases = {
      {{1, 9, 20, 32}, {1, 1}, {1, 1, 1, 1}},  {{1, 11, 23, 19}, {1, 1}, {1, 1, 1, 1}},
      {{2, 10, 17, 16}, {2, 2}, {1, 1, 1, 1}}, {{1, 13, 12, 24}, {1, 2}, {0, 2, 2, 0}},
      {{1, 8, 9, 8}, {3, 3}, {1, 1, 1, 1}},    {{1, 2, 2, 8}, {1, 1}, {1, 1, 1, 1}},
      {{1, 5, 4, 5}, {1, 1}, {2, 2, 2, 2}},    {{1, 6, 40, 64}, {1, 1}, {0, 0, 0, 0}},
  };
  const std::vector<std::pair<std::string, std::vector<float>>> acts = {
      {"", {}}, {"Relu", {}}, {"Clip", {-0.25f, 0.5f}}, {"Clip", {0.5f, -0.5f}}, {"HardSwish", {}}};
  std::mt19937 rng(37);
  for (const Case& c : cases) {
    const int64_t ch = c.x[3];
    const TensorData x = random_tensor(c.x, rng), w = random_tensor({ch, 3, 3, 1}, rng), b = random_tensor({ch}, rng);
    for (const auto& [name, params] : acts) {
      SCOPED_TRACE(dims_to_string(c.x) + " strides " + std::to_string(c.strides[0]) + "," +
                   std::to_string(c.strides[1]) + " activation " + name);
      AttrMap a = attrs({int_attr("group", ch), ints_attr("strides", c.strides), ints_attr("pads", c.pads)});
      if (!name.empty()) a.set(string_attr("activation", name));
      if (!params.empty()) a.set(floats_attr("activation_params", params));
      for (const bool bias : {true, false}) {
        const std::vector<std::optional<TensorData>> in = {x, w, bias ? std::optional<TensorData>(b) : std::nullopt};
        expect_close(a, in, 9.0);
        expect_close(a, in, 9.0, {1, 2});
      }
    }
  }
}

// The depthwise kernel's bounds keep the reference's NaN and signed zeros: zero inputs, negative taps and a -0 bias
// make every sum -0 but those whose window reaches the NaN; Relu gives +0 for both, Clip and no activation keep them.
// Without AVX2+FMA the layer runs on XNNPACK, whose output clamp turns NaN into the lower bound (docs/perf/cpu.md).
TEST(NhwcConv, Depthwise3x3NaNAndSignedZerosAsTheReference) {
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2+FMA on this CPU: the NHWC depthwise kernel is not used";
  const int64_t ch = 16;
  std::vector<float> xv(static_cast<size_t>(6 * 7 * ch), 0.0f), wv(static_cast<size_t>(ch * 9), -0.5f);
  xv[static_cast<size_t>((2 * 7 + 3) * ch + 5)] = std::numeric_limits<float>::quiet_NaN();
  const TensorData x = make_tensor<float>(DType::kFloat32, {1, 6, 7, ch}, xv);
  const TensorData w = make_tensor<float>(DType::kFloat32, {ch, 3, 3, 1}, wv);
  const TensorData b = make_tensor<float>(DType::kFloat32, {ch}, std::vector<float>(static_cast<size_t>(ch), -0.0f));
  for (const auto& [name, params] : std::vector<std::pair<std::string, std::vector<float>>>{
           {"", {}}, {"Relu", {}}, {"Clip", {-1.0f, 1.0f}}}) {
    SCOPED_TRACE("activation " + name);
    AttrMap a = attrs({int_attr("group", ch), ints_attr("pads", {1, 1, 1, 1})});
    if (!name.empty()) a.set(string_attr("activation", name));
    if (!params.empty()) a.set(floats_attr("activation_params", params));
    expect_identical_to_reference("NhwcConv", a, {x, w, b});
  }
}

// auto_pad and 1-D convolutions are not XNNPACK's: the fast NCHW conv runs them between channel moves.
TEST(NhwcConv, OtherFormsRunOnTheNchwKernels) {
  std::mt19937 rng(29);
  const TensorData x = random_tensor({1, 10, 9, 12}, rng);
  const TensorData w = random_tensor({20, 3, 3, 12}, rng);
  AttrMap same = attrs({string_attr("auto_pad", "SAME_UPPER"), ints_attr("strides", {2, 2}),
                        string_attr("activation", "Relu")});
  EXPECT_FALSE(fits_xnnpack(same, {x, w}));
  expect_close(same, {x, w}, 108.0);

  const TensorData x1 = random_tensor({2, 31, 16}, rng);
  const TensorData w1 = random_tensor({24, 5, 16}, rng);
  const AttrMap pads = attrs({ints_attr("pads", {2, 1})});
  EXPECT_FALSE(fits_xnnpack(pads, {x1, w1}));
  expect_close(pads, {x1, w1}, 80.0);
}

TEST(NhwcConv, BadNodesAreErrorsNamingTheOp) {
  std::mt19937 rng(31);
  const TensorData x = random_tensor({1, 6, 6, 10}, rng);
  const TensorData w = random_tensor({8, 3, 3, 4}, rng);  // C / group = 10, not 4
  KernelRun run;
  run.domain = "qedge";
  run.opset = 1;
  auto r = run_kernel(fast_registry(), "NhwcConv", attrs({}), {x, w}, run);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Conv"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace qedge::testing
