// Activation fusion: Conv/Gemm/MatMul + Relu/Clip/HardSwish/Sigmoid/LeakyRelu become one qedge.Fused* node whose
// results equal the two ops run separately; no fusion where the producer's output has another reader, is a graph
// output, the Clip bounds are not constants, or the nodes prefer another backend.
#include <cmath>
#include <random>

#include "pass_test_util.h"

namespace qedge::testing {
namespace {

std::vector<float> random_values(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (float& e : v) e = u(rng);
  return v;
}

TensorData float_tensor(const Dims& shape, std::mt19937& rng) {
  return make_tensor<float>(DType::kFloat32, shape, random_values(static_cast<size_t>(num_elements(shape)), rng));
}

TensorData scalar(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }

// Adds the activation node `act` reading `in` and writing `out` (Clip bounds as initializers).
void add_activation(OnnxBuilder& b, const std::string& act, const std::string& in, const std::string& out) {
  if (act == "Clip") {
    b.initializer("lo", scalar(0.0f)).initializer("hi", scalar(6.0f));
    b.node("Clip", {in, "lo", "hi"}, {out}, "act");
  } else if (act == "LeakyRelu") {
    auto& n = b.node("LeakyRelu", {in}, {out}, "act");
    auto* a = n.add_attribute();
    a->set_name("alpha");
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(0.2f);
  } else {
    b.node(act, {in}, {out}, "act");
  }
}

// The activation run by the reference kernel of its standalone op.
TensorData reference_activation(const std::string& act, const TensorData& x) {
  AttrMap a;
  std::vector<std::optional<TensorData>> in{x};
  if (act == "Clip") in = {x, scalar(0.0f), scalar(6.0f)};
  if (act == "LeakyRelu") a.set(float_attr("alpha", 0.2f));
  auto r = run_ref_kernel(act, a, in);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? (*r)[0] : TensorData();
}

void expect_same(const std::vector<float>& got, const TensorData& want) {
  const auto w = values_of<float>(want);
  ASSERT_EQ(got.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    ASSERT_NEAR(got[i], w[i], 1e-5f * (1.0f + std::fabs(w[i]))) << i;
  }
}

const char* const kActivations[] = {"Relu", "Clip", "HardSwish", "Sigmoid", "LeakyRelu"};

TEST(FuseActivations, ConvFollowedByEachActivation) {
  for (const char* act : kActivations) {
    for (int64_t group : {1, 3}) {
      SCOPED_TRACE(std::string(act) + " group " + std::to_string(group));
      std::mt19937 rng(7);
      const auto x = float_tensor({1, 6, 7, 5}, rng);
      const auto w = float_tensor({9, 6 / group, 3, 3}, rng);
      const auto bias = float_tensor({9}, rng);
      OnnxBuilder b(13);
      b.input("x", DType::kFloat32, {1, 6, 7, 5}).initializer("w", w).initializer("b", bias);
      auto& conv = b.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
      OnnxBuilder::set_ints(conv, "pads", {1, 0, 1, 2});
      OnnxBuilder::set_ints(conv, "strides", {2, 1});
      OnnxBuilder::set_int(conv, "group", group);
      add_activation(b, act, "c", "y");
      b.output("y", DType::kFloat32);
      auto r = convert_built(b);
      ASSERT_TRUE(r.ok()) << r.status().message();
      ASSERT_EQ(report_ops(*r), std::vector<std::string>{"qedge.FusedConv"});
      EXPECT_NE(r->report[0].note.find(std::string("fused ") + act), std::string::npos);

      AttrMap ca;
      ca.set(ints_attr("pads", {1, 0, 1, 2}));
      ca.set(ints_attr("strides", {2, 1}));
      ca.set(int_attr("group", group));
      auto c = run_ref_kernel("Conv", ca, {x, w, bias});
      ASSERT_TRUE(c.ok());
      const TensorData want = reference_activation(act, (*c)[0]);
      for (int threads : {1, 3}) expect_same(run_float_model(r->bytes, {x}, threads), want);
    }
  }
}

TEST(FuseActivations, GemmAndMatMul) {
  for (const char* act : kActivations) {
    SCOPED_TRACE(act);
    std::mt19937 rng(11);
    const auto a = float_tensor({7, 13}, rng);
    const auto w = float_tensor({5, 13}, rng);
    const auto c = float_tensor({5}, rng);
    const auto m = float_tensor({13, 9}, rng);
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, {7, 13}).initializer("w", w).initializer("c", c).initializer("m", m);
    auto& gemm = b.node("Gemm", {"a", "w", "c"}, {"g"}, "gemm");
    OnnxBuilder::set_int(gemm, "transB", 1);
    add_activation(b, act, "g", "ga");
    b.node("MatMul", {"a", "m"}, {"mm"}, "matmul");
    b.node("Sigmoid", {"mm"}, {"ms"}, "sig");
    OnnxBuilder::set_int(b.node("Concat", {"ga", "ms"}, {"y"}, "cat"), "axis", 1);
    b.output("y", DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"qedge.FusedGemm", "qedge.FusedMatMul", "Concat"}));

    AttrMap ga;
    ga.set(int_attr("transB", 1));
    auto g = run_ref_kernel("Gemm", ga, {a, w, c});
    auto mm = run_ref_kernel("MatMul", AttrMap(), {a, m});
    ASSERT_TRUE(g.ok() && mm.ok());
    AttrMap axis;
    axis.set(int_attr("axis", 1));
    auto want = run_ref_kernel("Concat", axis,
                               {reference_activation(act, (*g)[0]), reference_activation("Sigmoid", (*mm)[0])});
    ASSERT_TRUE(want.ok());
    for (int threads : {1, 3}) expect_same(run_float_model(r->bytes, {a}, threads), (*want)[0]);
  }
}

// Conv -> Relu where the conv output is also read elsewhere, is a graph output, or feeds a Clip whose bound is an
// input: nothing fuses.
TEST(FuseActivations, KeepsProducersWhoseOutputIsNeededElsewhere) {
  std::mt19937 rng(5);
  const auto w = float_tensor({4, 3, 1, 1}, rng);
  auto base = [&] {
    OnnxBuilder b(13);
    b.input("x", DType::kFloat32, {1, 3, 4, 4}).initializer("w", w);
    b.node("Conv", {"x", "w"}, {"c"}, "conv");
    return b;
  };
  {
    OnnxBuilder b = base();
    b.node("Relu", {"c"}, {"r"}, "relu");
    b.node("Add", {"c", "r"}, {"y"}, "add");
    b.output("y", DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Conv", "Relu", "Add"}));
  }
  {
    OnnxBuilder b = base();
    b.node("Relu", {"c"}, {"y"}, "relu");
    b.output("y", DType::kFloat32).output("c", DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Conv", "Relu"}));
  }
  {
    OnnxBuilder b = base();
    b.input("lo", DType::kFloat32, {});
    b.node("Clip", {"c", "lo"}, {"y"}, "clip");
    b.output("y", DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Conv", "Clip"}));
  }
}

TEST(FuseActivations, OnlyForCpuNodes) {
  std::mt19937 rng(5);
  OnnxBuilder b(13);
  b.input("x", DType::kFloat32, {1, 3, 4, 4}).initializer("w", float_tensor({4, 3, 1, 1}, rng));
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("Relu", {"c"}, {"y"}, "relu");
  b.output("y", DType::kFloat32);
  ConvertOptions options;
  options.backend = "null";
  auto r = convert_built(b, options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"Conv", "Relu"}));
}

// Clip before opset 11 takes its bounds from attributes.
TEST(FuseActivations, ClipWithAttributeBounds) {
  std::mt19937 rng(9);
  const auto x = float_tensor({1, 3, 5, 5}, rng);
  const auto w = float_tensor({4, 3, 3, 3}, rng);
  OnnxBuilder b(10);
  b.input("x", DType::kFloat32, {1, 3, 5, 5}).initializer("w", w);
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  auto& clip = b.node("Clip", {"c"}, {"y"}, "clip");
  for (auto [name, v] : {std::pair<const char*, float>{"min", -0.5f}, {"max", 0.75f}}) {
    auto* a = clip.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  b.output("y", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(report_ops(*r), std::vector<std::string>{"qedge.FusedConv"});
  auto c = run_ref_kernel("Conv", AttrMap(), {x, w});
  ASSERT_TRUE(c.ok());
  auto want = run_ref_kernel("Clip", AttrMap(), {(*c)[0], scalar(-0.5f), scalar(0.75f)});
  ASSERT_TRUE(want.ok());
  expect_same(run_float_model(r->bytes, {x}), (*want)[0]);
}

}  // namespace
}  // namespace qedge::testing
