// LayerNorm fusion: the decomposed pattern torch.onnx exports (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt,
// Div, Mul gamma, Add beta over the last axis) becomes one LayerNormalization whose results match the nine ops run
// one by one; near misses (another axis, eps not a constant, an intermediate read elsewhere or a graph output,
// another exponent, a non-cpu backend) stay as they are.
#include <cmath>
#include <random>

#include "pass_test_util.h"

namespace qedge::testing {
namespace {

TensorData float_tensor(const Dims& shape, std::mt19937& rng, float lo = -2.0f, float hi = 2.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(static_cast<size_t>(num_elements(shape)));
  for (float& e : v) e = u(rng);
  return make_tensor<float>(DType::kFloat32, shape, v);
}

TensorData scalar(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }

const std::vector<std::string> kDecomposed = {"ReduceMean", "Sub", "Pow", "ReduceMean", "Add",
                                              "Sqrt",       "Div", "Mul", "Add"};

// The pattern: x [2, 5, 6] -> y. `axis` is what both ReduceMeans reduce; with opset 18 their axes are an input.
struct Pattern {
  int opset = 13;
  int64_t axis = -1;
  float exponent = 2.0f;
  bool eps_is_input = false;
  bool beta_first = false;  // Add(beta, ...) as torch writes some adds
};

OnnxBuilder build(const Pattern& p, const TensorData& gamma, const TensorData& beta) {
  OnnxBuilder b(p.opset);
  b.input("x", DType::kFloat32, {2, 5, 6}).initializer("gamma", gamma).initializer("beta", beta);
  b.initializer("two", scalar(p.exponent));
  if (p.eps_is_input) {
    b.input("eps", DType::kFloat32, {});
  } else {
    b.initializer("eps", scalar(1e-5f));
  }
  const auto reduce = [&](const std::string& in, const std::string& out, const std::string& name) {
    if (p.opset >= 18) {
      b.initializer("axes_" + name, make_tensor<int64_t>(DType::kInt64, {1}, {p.axis}));
      b.node("ReduceMean", {in, "axes_" + name}, {out}, name);
    } else {
      OnnxBuilder::set_ints(b.node("ReduceMean", {in}, {out}, name), "axes", {p.axis});
    }
  };
  reduce("x", "mean", "mean");
  b.node("Sub", {"x", "mean"}, {"d"}, "sub");
  b.node("Pow", {"d", "two"}, {"sq"}, "pow");
  reduce("sq", "var", "var");
  b.node("Add", {"var", "eps"}, {"ve"}, "add_eps");
  b.node("Sqrt", {"ve"}, {"std"}, "sqrt");
  b.node("Div", {"d", "std"}, {"norm"}, "div");
  b.node("Mul", {"norm", "gamma"}, {"scaled"}, "mul");
  if (p.beta_first) {
    b.node("Add", {"beta", "scaled"}, {"y"}, "add_beta");
  } else {
    b.node("Add", {"scaled", "beta"}, {"y"}, "add_beta");
  }
  return b;
}

// The nine ops run one by one on the reference kernels.
TensorData decomposed_reference(const TensorData& x, const TensorData& gamma, const TensorData& beta) {
  const auto run = [](const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in) {
    auto r = run_ref_kernel(op, a, in, 1, 13);
    EXPECT_TRUE(r.ok()) << op << ": " << r.status().message();
    return r.ok() ? (*r)[0] : TensorData();
  };
  AttrMap last;
  last.set(ints_attr("axes", {-1}));
  const TensorData mean = run("ReduceMean", last, {x});
  const TensorData d = run("Sub", AttrMap(), {x, mean});
  const TensorData var = run("ReduceMean", last, {run("Pow", AttrMap(), {d, scalar(2.0f)})});
  const TensorData std = run("Sqrt", AttrMap(), {run("Add", AttrMap(), {var, scalar(1e-5f)})});
  const TensorData scaled = run("Mul", AttrMap(), {run("Div", AttrMap(), {d, std}), gamma});
  return run("Add", AttrMap(), {scaled, beta});
}

void expect_same(const std::vector<float>& got, const TensorData& want) {
  const auto w = values_of<float>(want);
  ASSERT_EQ(got.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) ASSERT_NEAR(got[i], w[i], 1e-5f * (4.0f + std::fabs(w[i]))) << i;
}

TEST(FuseLayerNorm, DecomposedPatternBecomesOneNode) {
  for (const int opset : {13, 18}) {
    for (const bool beta_first : {false, true}) {
      for (const bool scalar_params : {false, true}) {
        SCOPED_TRACE("opset " + std::to_string(opset) + (beta_first ? " beta first" : "") +
                     (scalar_params ? " scalar gamma/beta" : ""));
        std::mt19937 rng(3);
        const auto x = float_tensor({2, 5, 6}, rng, -3.0f, 5.0f);
        const auto gamma = scalar_params ? scalar(1.5f) : float_tensor({6}, rng);
        const auto beta = scalar_params ? make_tensor<float>(DType::kFloat32, {1}, {-0.25f}) : float_tensor({6}, rng);
        Pattern p;
        p.opset = opset;
        p.beta_first = beta_first;
        OnnxBuilder b = build(p, gamma, beta);
        b.output("y", DType::kFloat32);
        auto r = convert_built(b);
        ASSERT_TRUE(r.ok()) << r.status().message();
        ASSERT_EQ(report_ops(*r), std::vector<std::string>{"LayerNormalization"});
        EXPECT_NE(r->report[0].note.find("fused decomposed LayerNorm"), std::string::npos);
        const TensorData want = decomposed_reference(x, gamma, beta);
        for (int threads : {1, 3}) expect_same(run_float_model(r->bytes, {x}, threads), want);
      }
    }
  }
}

TEST(FuseLayerNorm, NearMissesStayDecomposed) {
  std::mt19937 rng(4);
  const auto gamma = float_tensor({6}, rng), beta = float_tensor({6}, rng);
  const auto converts_unfused = [&](const Pattern& p, const std::vector<std::string>& extra_outputs) {
    OnnxBuilder b = build(p, gamma, beta);
    b.output("y", DType::kFloat32);
    for (const auto& name : extra_outputs) b.output(name, DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(report_ops(*r), kDecomposed);
  };
  {
    SCOPED_TRACE("middle axis");
    Pattern p;
    p.axis = 1;
    // gamma [6] still broadcasts over [2, 1, 6]-shaped statistics: the graph is valid, just not a LayerNorm.
    converts_unfused(p, {});
  }
  {
    SCOPED_TRACE("eps is a graph input");
    Pattern p;
    p.eps_is_input = true;
    converts_unfused(p, {});
  }
  {
    SCOPED_TRACE("cube instead of square");
    Pattern p;
    p.exponent = 3.0f;
    converts_unfused(p, {});
  }
  for (const char* inner : {"mean", "d", "var", "std", "norm", "scaled"}) {
    SCOPED_TRACE(std::string("graph output ") + inner);
    converts_unfused(Pattern(), {inner});
  }
}

TEST(FuseLayerNorm, IntermediateWithAnotherReaderStays) {
  std::mt19937 rng(5);
  OnnxBuilder b = build(Pattern(), float_tensor({6}, rng), float_tensor({6}, rng));
  b.node("Mul", {"norm", "norm"}, {"extra"}, "extra");
  b.node("Add", {"y", "extra"}, {"out"}, "join");
  b.output("out", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> want = kDecomposed;
  want.push_back("Mul");
  want.push_back("Add");
  EXPECT_EQ(report_ops(*r), want);
}

TEST(FuseLayerNorm, OnlyForCpuNodes) {
  std::mt19937 rng(6);
  OnnxBuilder b = build(Pattern(), float_tensor({6}, rng), float_tensor({6}, rng));
  b.output("y", DType::kFloat32);
  ConvertOptions options;
  options.backend = "null";
  auto r = convert_built(b, options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), kDecomposed);
}

}  // namespace
}  // namespace qedge::testing
