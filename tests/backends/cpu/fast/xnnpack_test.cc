// The XNNPACK-backed float kernels (backends/cpu/fast/xnnpack/) against the reference on random shapes, 1 and 3
// threads: fully connected (MatMul, Gemm), depthwise Conv, GlobalAveragePool within 1e-5 relative, element-wise ops
// bit-identical; forms XNNPACK does not take go to the fast or reference kernels and match too.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

#include "fast_test_support.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::testing {
namespace {

#if QEDGE_WITH_XNNPACK
#define SKIP_WITHOUT_XNNPACK()
#else
#define SKIP_WITHOUT_XNNPACK() \
  GTEST_SKIP() << "built without XNNPACK (QEDGE_WITH_XNNPACK is off: see the configure log)"
#endif

// Fast (1 and 3 threads) equals the reference bit for bit.
void expect_bit_identical(const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in) {
  compare_with_reference(
      op, a, in, [&](const TensorData& got, const TensorData& want) { EXPECT_EQ(got.bytes, want.bytes) << op; });
}

// Whether a node goes to XNNPACK (`fits`) for these inputs and attributes.
bool fits(bool (*fits_fn)(const KernelContext&), const std::string& op, const AttrMap& a,
          const std::vector<TensorData>& in) {
  std::vector<Tensor> views;
  for (const TensorData& t : in) views.push_back(t.view());
  KernelContext ctx;
  ctx.op_type = op;
  ctx.attrs = &a;
  for (const Tensor& v : views) ctx.inputs.push_back(&v);
  return fits_fn(ctx);
}

TEST(XnnFullyConnected, MatMulMatchesReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(11);
  for (const auto& [a, b] : std::vector<std::pair<Dims, Dims>>{{{1, 1}, {1, 1}},
                                                               {{1, 37}, {37, 5}},
                                                               {{3, 64}, {64, 17}},
                                                               {{2, 7, 33}, {33, 19}},
                                                               {{1, 1280}, {1280, 1000}},
                                                               {{50, 129}, {129, 65}}}) {
    ASSERT_TRUE(
        fits(fast::xnn_fully_connected_fits, "MatMul", attrs({}), {random_tensor(a, rng), random_tensor(b, rng)}));
    expect_matches_reference("MatMul", attrs({}), {random_tensor(a, rng), random_tensor(b, rng)},
                             static_cast<double>(b[0]));
  }
}

TEST(XnnFullyConnected, GemmWithBiasMatchesReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(12);
  const int64_t m = 5, k = 77;
  for (int64_t n : {23, 200}) {  // 200 columns: 3 parts at 3 threads, each with its own slice of B and C
    for (int trans_b : {0, 1}) {
      for (const std::optional<Dims>& c : std::vector<std::optional<Dims>>{std::nullopt, Dims{n}, Dims{1, n}}) {
        const AttrMap a = attrs({int_attr("transB", trans_b)});
        std::vector<std::optional<TensorData>> in = {random_tensor({m, k}, rng),
                                                     random_tensor(trans_b ? Dims{n, k} : Dims{k, n}, rng)};
        if (c) in.push_back(random_tensor(*c, rng));
        expect_matches_reference("Gemm", a, in, k);
      }
    }
  }
}

TEST(XnnFullyConnected, OtherGemmFormsUseTheirOwnPath) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(13);
  const int64_t m = 4, k = 9, n = 6;
  const std::vector<std::pair<std::vector<Attr>, Dims>> forms = {
      {{float_attr("alpha", 0.5f)}, {n}},
      {{float_attr("beta", 2.0f)}, {n}},
      {{}, {m, n}},
      {{}, {m, 1}},
  };
  for (const auto& [list, c] : forms) {
    const AttrMap a = attrs(list);
    const std::vector<TensorData> in = {random_tensor({m, k}, rng), random_tensor({k, n}, rng), random_tensor(c, rng)};
    EXPECT_FALSE(fits(fast::xnn_fully_connected_fits, "Gemm", a, in));
    expect_matches_reference("Gemm", a, {in[0], in[1], in[2]}, k);
  }
  const AttrMap trans_a = attrs({int_attr("transA", 1)});
  const std::vector<TensorData> in = {random_tensor({k, m}, rng), random_tensor({k, n}, rng)};
  EXPECT_FALSE(fits(fast::xnn_fully_connected_fits, "Gemm", trans_a, in));
  expect_matches_reference("Gemm", trans_a, {in[0], in[1]}, k);
  // A batched right operand is not a fully connected layer.
  const std::vector<TensorData> batched = {random_tensor({2, 3, k}, rng), random_tensor({2, k, n}, rng)};
  EXPECT_FALSE(fits(fast::xnn_fully_connected_fits, "MatMul", attrs({}), batched));
  expect_matches_reference("MatMul", attrs({}), {batched[0], batched[1]}, k);
}

// Weights that are not model constants may change between runs at the same address: the packed copy is remade.
TEST(XnnFullyConnected, NonConstantWeightsAreRereadEachRun) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(14);
  const TensorData a = random_tensor({3, 8}, rng);
  TensorData w = random_tensor({8, 4}, rng);
  std::unique_ptr<OpKernel> kernel = (*fast_registry().find("", "MatMul"))();
  const AttrMap none = attrs({});
  Tensor av = a.view(), wv = w.view(), yv;
  KernelContext ctx;
  ctx.op_type = "MatMul";
  ctx.attrs = &none;
  ctx.inputs = {&av, &wv};
  ctx.outputs = {&yv};
  ASSERT_TRUE(kernel->prepare(ctx).ok());
  std::vector<float> y(12);
  yv.data = y.data();
  for (int round = 0; round < 2; ++round) {
    const TensorData fresh = random_tensor({8, 4}, rng);
    std::memcpy(w.bytes.data(), fresh.bytes.data(), w.bytes.size());
    ASSERT_TRUE(kernel->run(ctx).ok());
    auto want = run_ref_kernel("MatMul", none, {a, w});
    ASSERT_TRUE(want.ok());
    const auto expected = values_of<float>((*want)[0]);
    for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], expected[i], 1e-5 * 8) << "round " << round << " " << i;
  }
}

struct DepthwiseCase {
  Dims x;
  int64_t kernel, stride;
  std::vector<int64_t> pads;  // top, left, bottom, right
};

TEST(XnnDepthwiseConv, SupportedFormsMatchReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(15);
  const std::vector<DepthwiseCase> cases = {
      {{1, 8, 6, 6}, 3, 1, {1, 1, 1, 1}},   {{2, 5, 7, 9}, 3, 1, {1, 1, 1, 1}},   {{1, 3, 1, 1}, 3, 1, {1, 1, 1, 1}},
      {{1, 6, 9, 8}, 3, 2, {1, 1, 1, 1}},   {{1, 7, 10, 11}, 3, 2, {0, 1, 1, 1}}, {{1, 4, 13, 5}, 5, 1, {2, 2, 2, 2}},
      {{2, 3, 12, 13}, 5, 2, {2, 2, 2, 2}}, {{1, 9, 11, 10}, 5, 2, {1, 2, 2, 2}}, {{1, 96, 28, 28}, 3, 2, {1, 1, 1, 1}},
  };
  for (const DepthwiseCase& c : cases) {
    for (bool with_bias : {true, false}) {
      const int64_t ch = c.x[1];
      const AttrMap a =
          attrs({int_attr("group", ch), ints_attr("strides", {c.stride, c.stride}), ints_attr("pads", c.pads)});
      const TensorData x = random_tensor(c.x, rng), w = random_tensor({ch, 1, c.kernel, c.kernel}, rng);
      std::vector<TensorData> in = {x, w};
      if (with_bias) in.push_back(random_tensor({ch}, rng));
      EXPECT_TRUE(fits(fast::xnn_depthwise_conv_fits, "Conv", a, in)) << dims_to_string(c.x) << " k" << c.kernel;
      std::vector<std::optional<TensorData>> opt(in.begin(), in.end());
      expect_matches_reference("Conv", a, opt, static_cast<double>(c.kernel * c.kernel));
    }
  }
}

TEST(XnnDepthwiseConv, OtherFormsUseTheirOwnPath) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(16);
  struct Form {
    Dims x, w;
    std::vector<Attr> attrs;
  };
  const std::vector<Form> forms = {
      {{1, 4, 7, 7}, {4, 1, 3, 3}, {int_attr("group", 4), ints_attr("pads", {0, 0, 0, 0})}},
      {{1, 4, 9, 9},
       {4, 1, 3, 3},
       {int_attr("group", 4), ints_attr("pads", {2, 2, 2, 2}), ints_attr("dilations", {2, 2})}},
      {{1, 4, 7, 7}, {8, 1, 3, 3}, {int_attr("group", 4), ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 4, 7, 7},
       {4, 1, 3, 3},
       {int_attr("group", 4), ints_attr("pads", {1, 1, 1, 1}), ints_attr("strides", {1, 2})}},
      {{1, 4, 8, 8},
       {4, 1, 5, 5},
       {int_attr("group", 4), ints_attr("pads", {0, 2, 2, 2}), ints_attr("strides", {2, 2})}},
      {{1, 4, 8, 8}, {4, 1, 3, 3}, {int_attr("group", 4), string_attr("auto_pad", "SAME_UPPER")}},
      {{1, 4, 7, 7}, {4, 1, 7, 7}, {int_attr("group", 4), ints_attr("pads", {3, 3, 3, 3})}},
      {{1, 4, 7}, {4, 1, 3}, {int_attr("group", 4), ints_attr("pads", {1, 1})}},
  };
  for (const Form& f : forms) {
    const AttrMap a = attrs(f.attrs);
    const TensorData x = random_tensor(f.x, rng), w = random_tensor(f.w, rng), b = random_tensor({f.w[0]}, rng);
    EXPECT_FALSE(fits(fast::xnn_depthwise_conv_fits, "Conv", a, {x, w, b})) << dims_to_string(f.w);
    expect_matches_reference("Conv", a, {x, w, b}, static_cast<double>(num_elements(f.w) / f.w[0]));
  }
}

TEST(XnnGlobalAveragePool, MatchesReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(17);
  for (const Dims& shape :
       std::vector<Dims>{{1, 1, 1, 1}, {2, 5, 7, 9}, {1, 3, 11}, {1, 4, 2, 3, 5}, {1, 1280, 7, 7}}) {
    expect_matches_reference("GlobalAveragePool", attrs({}), {random_tensor(shape, rng)}, 1.0);
  }
}

TEST(XnnBinary, BroadcastingIsBitIdentical) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(18);
  const std::vector<std::pair<Dims, Dims>> shapes = {
      {{2, 3, 5, 7}, {1, 3, 5, 7}},
      {{1, 96, 11, 13}, {1, 96, 1, 1}},
      {{3, 1, 5}, {4, 1}},
      {{7}, {}},
      {{}, {2, 9}},
      {{1, 2, 3, 4, 5, 6}, {6}},
      {{33}, {1, 33}},
      {{0, 3}, {3}},
      {{2, 3, 5, 7}, {2, 3, 5, 7}},  // one shape: the reference loop
  };
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    for (const auto& [a, b] : shapes) {
      expect_bit_identical(op, attrs({}), {random_tensor(a, rng), random_tensor(b, rng)});
    }
  }
}

TEST(XnnBinary, OtherFormsUseTheReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(19);
  // Seven dims exceed XNNPACK's limit; integers are not XNNPACK's.
  expect_bit_identical("Add", attrs({}), {random_tensor({2, 1, 2, 1, 2, 1, 3}, rng), random_tensor({3}, rng)});
  expect_bit_identical(
      "Mul", attrs({}),
      {make_tensor<int32_t>(DType::kInt32, {3}, {1, -2, 3}), make_tensor<int32_t>(DType::kInt32, {1}, {5})});
}

// Values where the ops change behaviour (0, -0, the HardSwish knees at +-3) and far into the Sigmoid tails.
TensorData special_values(std::mt19937& rng) {
  std::vector<float> v = values_of<float>(random_tensor({2, 3, 37}, rng));
  for (float& e : v) e *= 8.0f;
  v[0] = 0.0f, v[1] = -0.0f, v[2] = 3.0f, v[3] = -3.0f, v[4] = 20.0f, v[5] = -20.0f;
  return make_tensor<float>(DType::kFloat32, {2, 3, 37}, v);
}

TEST(XnnUnary, ReluIsBitIdenticalIncludingNaNAndInfinities) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(20);
  std::vector<float> v = values_of<float>(special_values(rng));
  v[6] = std::numeric_limits<float>::quiet_NaN();
  v[7] = std::numeric_limits<float>::infinity();
  v[8] = -std::numeric_limits<float>::infinity();
  expect_bit_identical("Relu", attrs({}), {make_tensor<float>(DType::kFloat32, {2, 3, 37}, v)});
}

// XNNPACK runs with subnormals flushed to zero (it asks pthreadpool for FTZ/DAZ): a subnormal input counts as 0 and a
// subnormal result becomes 0, an absolute difference below FLT_MIN; normal values stay bit-identical.
TEST(XnnBinary, SubnormalsFlushToZero) {
  SKIP_WITHOUT_XNNPACK();
  const float tiny = 1e-40f, least_normal = std::numeric_limits<float>::min();
  const TensorData a = make_tensor<float>(DType::kFloat32, {4}, {tiny, -tiny, 2.0f * least_normal, 1.5f});
  const TensorData b = make_tensor<float>(DType::kFloat32, {1, 4}, {0.0f, 0.5f, -1.5f * least_normal, 2.0f});
  for (const char* op : {"Add", "Mul"}) {
    auto want = run_ref_kernel(op, attrs({}), {a, b});
    auto got = run_kernel(fast_registry(), op, attrs({}), {a, b}, KernelRun{});
    ASSERT_TRUE(want.ok() && got.ok());
    const auto g = values_of<float>((*got)[0]), w = values_of<float>((*want)[0]);
    for (size_t i = 0; i < g.size(); ++i) {
      if (std::fabs(w[i]) >= least_normal) {
        EXPECT_EQ(g[i], w[i]) << op << " " << i;
      } else {
        EXPECT_LT(std::fabs(g[i] - w[i]), least_normal) << op << " " << i;
      }
    }
  }
}

TEST(XnnUnary, HardSwishSigmoidLeakyReluMatchReference) {
  SKIP_WITHOUT_XNNPACK();
  std::mt19937 rng(21);
  for (const Dims& shape : std::vector<Dims>{{1}, {17}, {2, 3, 37}, {2, 96, 17, 17}}) {  // the last in 3 parts
    const TensorData x = random_tensor(shape, rng);
    expect_matches_reference("HardSwish", attrs({}), {x}, 0.0);
    expect_matches_reference("Sigmoid", attrs({}), {x}, 0.0);
    expect_matches_reference("LeakyRelu", attrs({float_attr("alpha", 0.2f)}), {x}, 0.0);
    expect_matches_reference("LeakyRelu", attrs({}), {x}, 0.0);
  }
  const TensorData s = special_values(rng);
  expect_matches_reference("HardSwish", attrs({}), {s}, 0.0);
  expect_matches_reference("Sigmoid", attrs({}), {s}, 0.0);
  expect_matches_reference("LeakyRelu", attrs({float_attr("alpha", 0.1f)}), {s}, 0.0);
  // A slope XNNPACK refuses goes to the reference kernel.
  expect_bit_identical("LeakyRelu", attrs({float_attr("alpha", std::numeric_limits<float>::infinity())}),
                       {random_tensor({9}, rng)});
}

}  // namespace
}  // namespace qedge::testing
