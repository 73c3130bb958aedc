// The layout pass: a region of float convolutions (with their activations and residual Adds) runs channels-last as
// qedge.NhwcConv between one Transpose in and one out, and computes what the NCHW model computes; 3x3 stride-1 dense
// convolutions (the cpu backend's Winograd) and regions too small to pay for their edge transposes stay NCHW; a graph
// output inside a region keeps its name and NCHW layout; a GlobalAveragePool joins the region, so the transpose out
// moves one value per channel.
#include <algorithm>
#include <cmath>
#include <random>

#include "pass_test_util.h"

namespace qedge::testing {
namespace {

TensorData scalar(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }

TensorData ref_run(const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in) {
  auto r = run_ref_kernel(op, a, in);
  EXPECT_TRUE(r.ok()) << op << ": " << r.status().message();
  return r.ok() ? (*r)[0] : TensorData();
}

AttrMap conv_attrs(int64_t pad, int64_t group = 1) {
  AttrMap a;
  a.set(ints_attr("pads", {pad, pad, pad, pad}));
  a.set(int_attr("group", group));
  return a;
}

void expect_close(const std::vector<float>& got, const TensorData& want) {
  const auto w = values_of<float>(want);
  ASSERT_EQ(got.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) ASSERT_NEAR(got[i], w[i], 1e-4f * (1.0f + std::fabs(w[i]))) << i;
}

// x [1, 1, 20, 20] -> 5x5 conv to 48 maps + Relu -> 3x3 conv in 2 groups + Clip(0, 6) = e -> depthwise 3x3 -> + e -> 1x1 conv to
// one map = y: the region's convolutions do ~2000 multiply-adds per element its edges move.
struct Chain {
  std::mt19937 rng{41};
  TensorData x = random_float_tensor({1, 1, 20, 20}, rng);
  TensorData wa = random_float_tensor({48, 1, 5, 5}, rng), ba = random_float_tensor({48}, rng);
  TensorData wb = random_float_tensor({48, 24, 3, 3}, rng);
  TensorData wc = random_float_tensor({48, 1, 3, 3}, rng), bc = random_float_tensor({48}, rng);
  TensorData wd = random_float_tensor({1, 48, 1, 1}, rng);

  // With `z`, also z = Sigmoid(y): y is then a graph output that a region node reads. With `pool`, the output is
  // g = GlobalAveragePool(s) instead of y.
  OnnxBuilder build(bool z, bool pool = false) const {
    OnnxBuilder b(13);
    b.input("x", DType::kFloat32, {1, 1, 20, 20});
    b.initializer("wa", wa).initializer("ba", ba).initializer("wb", wb).initializer("wc", wc).initializer("bc", bc);
    b.initializer("wd", wd).initializer("lo", scalar(0.0f)).initializer("hi", scalar(6.0f));
    OnnxBuilder::set_ints(b.node("Conv", {"x", "wa", "ba"}, {"a"}, "conv_a"), "pads", {2, 2, 2, 2});
    b.node("Relu", {"a"}, {"ar"}, "relu_a");
    auto& grouped = b.node("Conv", {"ar", "wb"}, {"bb"}, "conv_b");
    OnnxBuilder::set_ints(grouped, "pads", {1, 1, 1, 1});
    OnnxBuilder::set_int(grouped, "group", 2);
    b.node("Clip", {"bb", "lo", "hi"}, {"e"}, "clip_b");
    auto& dw = b.node("Conv", {"e", "wc", "bc"}, {"c"}, "conv_c");
    OnnxBuilder::set_ints(dw, "pads", {1, 1, 1, 1});
    OnnxBuilder::set_int(dw, "group", 48);
    b.node("Add", {"c", "e"}, {"s"}, "residual");
    if (pool) {
      b.node("GlobalAveragePool", {"s"}, {"g"}, "pool");
      b.output("g", DType::kFloat32);
      return b;
    }
    b.node("Conv", {"s", "wd"}, {"y"}, "conv_d");
    b.output("y", DType::kFloat32);
    if (z) {
      b.node("Sigmoid", {"y"}, {"z"}, "sigmoid");
      b.output("z", DType::kFloat32);
    }
    return b;
  }

  TensorData e() const {
    const TensorData a = ref_run("Relu", {}, {ref_run("Conv", conv_attrs(2), {x, wa, ba})});
    return ref_run("Clip", {}, {ref_run("Conv", conv_attrs(1, 2), {a, wb}), scalar(0.0f), scalar(6.0f)});
  }

  TensorData s() const {
    const TensorData ev = e();
    return ref_run("Add", {}, {ref_run("Conv", conv_attrs(1, 48), {ev, wc, bc}), ev});
  }

  TensorData y() const { return ref_run("Conv", conv_attrs(0), {s(), wd}); }
};

TEST(LayoutNhwc, ConvRegionRunsChannelsLastBetweenTwoTransposes) {
  const Chain chain;
  auto r = convert_built(chain.build(false));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Transpose", "qedge.NhwcConv", "qedge.NhwcConv",
                                                      "qedge.NhwcConv", "Add", "qedge.NhwcConv", "Transpose"}));
  const TensorData want = chain.y();
  for (int threads : {1, 3}) expect_close(run_float_model(r->bytes, {chain.x}, threads, 2), want);
}

TEST(LayoutNhwc, GlobalAveragePoolEndsTheRegionChannelsLast) {
  const Chain chain;
  auto r = convert_built(chain.build(false, true));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Transpose", "qedge.NhwcConv", "qedge.NhwcConv",
                                                      "qedge.NhwcConv", "Add", "qedge.NhwcGlobalAveragePool",
                                                      "Transpose"}));
  const TensorData want = ref_run("GlobalAveragePool", {}, {chain.s()});
  ASSERT_EQ(want.shape, (Dims{1, 48, 1, 1}));
  for (int threads : {1, 3}) expect_close(run_float_model(r->bytes, {chain.x}, threads, 2), want);
}

TEST(LayoutNhwc, GraphOutputInsideTheRegionStaysNchw) {
  const Chain chain;
  auto r = convert_built(chain.build(true));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<std::string> ops = report_ops(*r);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "qedge.NhwcConv"), 4);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "Transpose"), 3);

  Model model;
  ASSERT_FALSE(model.load_memory(r->bytes.data(), r->bytes.size()));
  Session session;
  ASSERT_FALSE(session.create(model, 1));
  ASSERT_FALSE(session.set_input(0, QEDGE_FLOAT32, chain.x.shape, chain.x.bytes.data(), chain.x.bytes.size()));
  ASSERT_FALSE(session.run());
  const TensorData y = chain.y();
  const TensorData z = ref_run("Sigmoid", {}, {y});
  for (int i : {0, 1}) {
    qedge_tensor out{};
    ASSERT_FALSE(session.output(i, &out));
    ASSERT_EQ(out.rank, 4);
    EXPECT_EQ(Dims(out.dims, out.dims + 4), (Dims{1, 1, 20, 20}));
    const auto* p = static_cast<const float*>(out.data);
    expect_close(std::vector<float>(p, p + out.bytes / sizeof(float)), i == 0 ? y : z);
  }
}

// A resnet-style pair of 3x3 stride-1 convolutions (Winograd on the cpu backend) and a lone 1x1 convolution whose
// edges would move as much as it computes: nothing changes layout.
TEST(LayoutNhwc, WinogradConvsAndSmallRegionsStayNchw) {
  std::mt19937 rng(43);
  OnnxBuilder b(13);
  b.input("x", DType::kFloat32, {1, 32, 16, 16});
  b.initializer("w1", random_float_tensor({32, 32, 3, 3}, rng)).initializer("w2", random_float_tensor({32, 32, 3, 3}, rng));
  b.initializer("w3", random_float_tensor({32, 32, 1, 1}, rng));
  OnnxBuilder::set_ints(b.node("Conv", {"x", "w1"}, {"a"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"a"}, {"ar"}, "relu");
  OnnxBuilder::set_ints(b.node("Conv", {"ar", "w2"}, {"c"}, "conv2"), "pads", {1, 1, 1, 1});
  b.node("Add", {"c", "x"}, {"s"}, "residual");
  b.node("Conv", {"s", "w3"}, {"y"}, "conv3");
  b.output("y", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"qedge.FusedConv", "Conv", "Add", "Conv"}));
}

// Nodes that prefer another backend keep their layout (the NHWC op is the cpu backend's).
TEST(LayoutNhwc, OnlyCpuNodesChangeLayout) {
  const Chain chain;
  ConvertOptions options;
  options.backend = "vulkan";
  auto r = convert_built(chain.build(false), options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<std::string> ops = report_ops(*r);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "qedge.NhwcConv"), 0);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "Transpose"), 0);
}

}  // namespace
}  // namespace qedge::testing
