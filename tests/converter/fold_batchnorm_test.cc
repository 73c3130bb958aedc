// BatchNormalization folding: into a float Conv (also one whose weight other Convs read) and into a float Gemm
// (alpha, beta, transA, transB, C absent / scalar / [N] / [1, N] / [M, 1] / [M, N]) or a MatMul of a 2-D input by a
// constant 2-D weight (which becomes a Gemm). The folded model's outputs match the unfolded ops on the reference
// kernels within 1e-5 at 1 and 3 threads. No fold where the producer's output has another reader, its weight, C or
// the normalization's parameters are not constants, the normalization runs in training mode or its statistics
// outputs are read, the MatMul's output is batched (channel axis not its columns), or the producer is quantized.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "passes/pass.h"
#include "passes/pass_test_util.h"

namespace qedge::testing {
namespace {

TensorData uniform_tensor(const Dims& shape, float lo, float hi, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(static_cast<size_t>(num_elements(shape)));
  for (float& e : v) e = u(rng);
  return make_tensor<float>(DType::kFloat32, shape, v);
}

void set_float(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

struct BatchNorm {
  TensorData gamma, beta, mean, var;
  float eps = 1e-5f;
};

// Parameters for `channels` channels; eps large enough that a fold ignoring it is visibly wrong.
BatchNorm random_batchnorm(int64_t channels, std::mt19937& rng) {
  BatchNorm bn;
  bn.gamma = uniform_tensor({channels}, -2.0f, 2.0f, rng);
  bn.beta = uniform_tensor({channels}, -1.0f, 1.0f, rng);
  bn.mean = uniform_tensor({channels}, -1.0f, 1.0f, rng);
  bn.var = uniform_tensor({channels}, 0.05f, 2.0f, rng);
  bn.eps = std::uniform_real_distribution<float>(0.05f, 0.5f)(rng);
  return bn;
}

// Adds `bn`'s parameters as initializers `prefix`_gamma, ... and the node reading `in` and writing `out`.
onnx::NodeProto& add_batchnorm(OnnxBuilder& b, const BatchNorm& bn, const std::string& prefix, const std::string& in,
                               const std::string& out) {
  b.initializer(prefix + "_gamma", bn.gamma).initializer(prefix + "_beta", bn.beta);
  b.initializer(prefix + "_mean", bn.mean).initializer(prefix + "_var", bn.var);
  auto& n = b.node("BatchNormalization",
                   {in, prefix + "_gamma", prefix + "_beta", prefix + "_mean", prefix + "_var"}, {out}, prefix);
  set_float(n, "epsilon", bn.eps);
  return n;
}

TensorData ref_op(const std::string& op, const AttrMap& attrs, const std::vector<std::optional<TensorData>>& in,
                  int opset = 22) {
  auto r = run_ref_kernel(op, attrs, in, 1, opset);
  EXPECT_TRUE(r.ok()) << op << ": " << r.status().message();
  return r.ok() ? (*r)[0] : TensorData();
}

TensorData ref_batchnorm(const TensorData& x, const BatchNorm& bn, bool training = false) {
  AttrMap attrs;
  attrs.set(float_attr("epsilon", bn.eps));
  if (training) attrs.set(int_attr("training_mode", 1));
  return ref_op("BatchNormalization", attrs, {x, bn.gamma, bn.beta, bn.mean, bn.var});
}

void expect_close(const std::vector<float>& got, const TensorData& want) {
  const auto w = values_of<float>(want);
  ASSERT_EQ(got.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) ASSERT_NEAR(got[i], w[i], 1e-5f * (1.0f + std::fabs(w[i]))) << i;
}

// Converts `b` and checks its first output against `want` at 1 and 3 threads; returns the report's op types.
std::vector<std::string> convert_and_compare(const OnnxBuilder& b, const std::vector<TensorData>& inputs,
                                             const TensorData& want) {
  auto r = convert_built(b);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  for (int threads : {1, 3}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    expect_close(run_float_model(r->bytes, inputs, threads), want);
  }
  return report_ops(*r);
}

bool has_op(const std::vector<std::string>& ops, const std::string& op) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

TEST(FoldBatchNorm, ConvAbsorbsTheNormalization) {
  std::mt19937 rng(3);
  const auto x = uniform_tensor({1, 3, 6, 6}, -1.0f, 1.0f, rng);
  const auto w = uniform_tensor({4, 3, 3, 3}, -1.0f, 1.0f, rng);
  const auto b = uniform_tensor({4}, -1.0f, 1.0f, rng);
  const BatchNorm bn = random_batchnorm(4, rng);
  OnnxBuilder builder(13);
  builder.input("x", DType::kFloat32, {1, 3, 6, 6}).initializer("w", w).initializer("b", b);
  auto& conv = builder.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  OnnxBuilder::set_ints(conv, "pads", {1, 1, 1, 1});
  add_batchnorm(builder, bn, "bn", "c", "y");
  builder.output("y", DType::kFloat32);
  auto r = convert_built(builder);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->report.size(), 1u);
  EXPECT_EQ(r->report[0].op_type, "Conv");
  EXPECT_NE(r->report[0].note.find("fused BatchNormalization"), std::string::npos);

  AttrMap conv_attrs;
  conv_attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  const TensorData want = ref_batchnorm(ref_op("Conv", conv_attrs, {x, w, b}), bn);
  expect_close(run_float_model(r->bytes, {x}), want);
}

// Three Convs read one weight and bias: two through their own normalizations, one without (their outputs
// concatenated). Each fold writes new constants, so the shared ones keep their values for the others.
TEST(FoldBatchNorm, ConvWithSharedWeightFoldsIntoItsOwnCopy) {
  std::mt19937 rng(5);
  const auto x = uniform_tensor({2, 3, 5, 7}, -1.0f, 1.0f, rng);
  const auto w = uniform_tensor({6, 3, 3, 3}, -1.0f, 1.0f, rng);
  const auto b = uniform_tensor({6}, -1.0f, 1.0f, rng);
  const BatchNorm bn1 = random_batchnorm(6, rng), bn2 = random_batchnorm(6, rng);
  OnnxBuilder builder(13);
  builder.input("x", DType::kFloat32, {2, 3, 5, 7}).initializer("w", w).initializer("b", b);
  for (const char* c : {"c1", "c2", "y3"}) builder.node("Conv", {"x", "w", "b"}, {c}, std::string(c) + "_conv");
  add_batchnorm(builder, bn1, "bn1", "c1", "y1");
  add_batchnorm(builder, bn2, "bn2", "c2", "y2");
  OnnxBuilder::set_int(builder.node("Concat", {"y1", "y2", "y3"}, {"y"}, "concat"), "axis", 1);
  builder.output("y", DType::kFloat32);
  const TensorData conv = ref_op("Conv", AttrMap(), {x, w, b});
  AttrMap axis;
  axis.set(int_attr("axis", 1));
  const TensorData want = ref_op("Concat", axis, {ref_batchnorm(conv, bn1), ref_batchnorm(conv, bn2), conv});
  const auto ops = convert_and_compare(builder, {x}, want);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Conv", "Conv", "Concat"}));
}

struct GemmCase {
  int64_t m, k, n;
  bool matmul;  // MatMul (no attributes, no C) instead of Gemm
  bool trans_b;
  float alpha, beta;
  bool has_c;
  Dims c;  // C's shape when has_c
  bool relu;
  bool trans_a = false;
};

TEST(FoldBatchNorm, GemmAndMatMulAbsorbTheNormalization) {
  const GemmCase cases[] = {
      {7, 13, 9, false, false, 1.0f, 1.0f, false, {}, false},
      {5, 11, 17, false, true, 1.0f, 1.0f, true, {17}, false},
      {3, 8, 6, false, true, 0.5f, 2.0f, true, {}, false},
      {9, 5, 12, false, false, -1.5f, 0.75f, true, {1, 12}, true},
      {4, 7, 10, false, true, 1.0f, 1.5f, true, {4, 1}, false},
      {6, 3, 5, false, false, 2.0f, -1.0f, true, {6, 5}, false},
      {2, 9, 4, false, true, 1.25f, 0.5f, true, {1}, false},
      {1, 1, 1, false, true, 3.0f, 1.0f, true, {1, 1}, false},
      {1, 64, 128, false, true, 1.0f, 1.0f, false, {}, true},  // digits_mlp's layer: transB, no C, then Relu
      {6, 4, 7, false, true, 0.75f, 1.0f, true, {7}, false, true},
      {7, 13, 9, true, false, 1.0f, 1.0f, false, {}, false},
      {1, 33, 20, true, false, 1.0f, 1.0f, false, {}, true},
  };
  for (const GemmCase& c : cases) {
    SCOPED_TRACE(std::string(c.matmul ? "MatMul" : "Gemm") + " m " + std::to_string(c.m) + " k " +
                 std::to_string(c.k) + " n " + std::to_string(c.n) + " transA " + std::to_string(c.trans_a) +
                 " transB " + std::to_string(c.trans_b) + " C " + (c.has_c ? dims_to_string(c.c) : "none"));
    std::mt19937 rng(static_cast<unsigned>(c.m * 1000 + c.k * 10 + c.n));
    const Dims a_shape = c.trans_a ? Dims{c.k, c.m} : Dims{c.m, c.k};
    const auto a = uniform_tensor(a_shape, -1.0f, 1.0f, rng);
    const auto w = uniform_tensor(c.trans_b ? Dims{c.n, c.k} : Dims{c.k, c.n}, -1.0f, 1.0f, rng);
    const auto bias = uniform_tensor(c.c, -1.0f, 1.0f, rng);
    const BatchNorm bn = random_batchnorm(c.n, rng);
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, a_shape).initializer("w", w);
    std::vector<std::string> in{"a", "w"};
    if (c.has_c) {
      b.initializer("c", bias);
      in.push_back("c");
    }
    AttrMap attrs;
    TensorData product;
    if (c.matmul) {
      b.node("MatMul", in, {"g"}, "matmul");
      product = ref_op("MatMul", attrs, {a, w});
    } else {
      auto& gemm = b.node("Gemm", in, {"g"}, "gemm");
      OnnxBuilder::set_int(gemm, "transA", c.trans_a);
      OnnxBuilder::set_int(gemm, "transB", c.trans_b);
      set_float(gemm, "alpha", c.alpha);
      set_float(gemm, "beta", c.beta);
      attrs.set(int_attr("transA", c.trans_a));
      attrs.set(int_attr("transB", c.trans_b));
      attrs.set(float_attr("alpha", c.alpha));
      attrs.set(float_attr("beta", c.beta));
      product = ref_op("Gemm", attrs, {a, w, c.has_c ? std::optional<TensorData>(bias) : std::nullopt});
    }
    add_batchnorm(b, bn, "bn", "g", c.relu ? "normalized" : "y");
    if (c.relu) b.node("Relu", {"normalized"}, {"y"}, "relu");
    b.output("y", DType::kFloat32);
    TensorData want = ref_batchnorm(product, bn);
    if (c.relu) want = ref_op("Relu", AttrMap(), {want});
    const auto ops = convert_and_compare(b, {a}, want);
    EXPECT_EQ(ops, std::vector<std::string>{c.relu ? "qedge.FusedGemm" : "Gemm"});
  }
}

// Graph level: the normalization is gone and the Gemm reads a float32 weight of the old shape and a C of one value
// per column ([N]), or [M, N] when the old C varied along rows; alpha and beta are back to 1.
TEST(FoldBatchNorm, FoldedGemmShapesAndTypes) {
  for (const bool matmul : {false, true}) {
    for (const bool c_by_rows : {false, true}) {
      if (matmul && c_by_rows) continue;
      SCOPED_TRACE(std::string(matmul ? "MatMul" : "Gemm") + (c_by_rows ? " C [M, N]" : ""));
      std::mt19937 rng(11);
      conv::IrModel m;
      m.graphs.emplace_back();
      m.opsets[""] = 13;
      const int64_t rows = 5, k = 4, n = 3;
      auto constant = [&](const std::string& name, const Dims& shape) {
        const int t = add_float_tensor(m, name, shape);
        m.tensors[t].is_constant = true;
        m.tensors[t].value = uniform_tensor(shape, 0.5f, 1.5f, rng);
        return t;
      };
      const int a = add_float_tensor(m, "a", {rows, k}), w = constant("w", {n, k}), c = constant("c", {rows, n});
      const int g = add_float_tensor(m, "g", {rows, n}), y = add_float_tensor(m, "y", {rows, n});
      m.main().inputs = {a};
      m.main().outputs = {y};
      const int wk = matmul ? constant("w_kn", {k, n}) : w;
      conv::IrNode& producer = add_node(m, matmul ? "MatMul" : "Gemm", {a, wk}, g);
      producer.opset = 13;
      if (!matmul) {
        producer.attrs.set(int_attr("transB", 1));
        producer.attrs.set(float_attr("alpha", 2.0f));
        producer.attrs.set(float_attr("beta", 0.5f));
        if (c_by_rows) producer.inputs.push_back(c);
      }
      conv::IrNode& bn = add_node(m, "BatchNormalization",
                                  {g, constant("gamma", {n}), constant("beta", {n}), constant("mean", {n}),
                                   constant("var", {n})},
                                  y);
      bn.opset = 13;
      conv::PassContext ctx;
      ASSERT_TRUE(conv::fold_batchnorm(m, ctx).ok());
      EXPECT_TRUE(ctx.changed);
      ASSERT_EQ(m.main().nodes.size(), 1u);
      const conv::IrNode& gemm = m.main().nodes[0];
      EXPECT_EQ(gemm.op_type, "Gemm");
      EXPECT_EQ(gemm.outputs, std::vector<int>{y});
      EXPECT_FALSE(gemm.attrs.has("alpha"));
      EXPECT_FALSE(gemm.attrs.has("beta"));
      EXPECT_EQ(gemm.attrs.get_int("transB", 0), matmul ? 0 : 1);
      ASSERT_EQ(gemm.inputs.size(), 3u);
      EXPECT_EQ(gemm.inputs[0], a);
      for (int i : {1, 2}) {
        const conv::IrTensor& t = m.tensors[gemm.inputs[i]];
        EXPECT_TRUE(t.is_constant);
        EXPECT_EQ(t.dtype, DType::kFloat32);
        EXPECT_EQ(t.value.dtype, DType::kFloat32);
        EXPECT_EQ(t.value.shape, t.shape);
        EXPECT_EQ(t.value.bytes.size(), static_cast<size_t>(num_elements(t.shape)) * sizeof(float));
      }
      EXPECT_EQ(m.tensors[gemm.inputs[1]].shape, m.tensors[wk].shape);
      EXPECT_EQ(m.tensors[gemm.inputs[2]].shape, c_by_rows ? (Dims{rows, n}) : (Dims{n}));
      EXPECT_NE(gemm.inputs[1], wk);  // a new constant: the old weight keeps its values
    }
  }
}

// A producer that is not a float ai.onnx Gemm/MatMul/Conv (here the integer lowering's QMatMul) keeps its
// normalization.
TEST(FoldBatchNorm, QuantizedProducerIsLeftAlone) {
  std::mt19937 rng(13);
  conv::IrModel m;
  m.graphs.emplace_back();
  m.opsets[""] = 13;
  auto constant = [&](const std::string& name, const Dims& shape) {
    const int t = add_float_tensor(m, name, shape);
    m.tensors[t].is_constant = true;
    m.tensors[t].value = uniform_tensor(shape, 0.5f, 1.5f, rng);
    return t;
  };
  const int a = add_float_tensor(m, "a", {2, 4}), g = add_float_tensor(m, "g", {2, 3}),
            y = add_float_tensor(m, "y", {2, 3});
  conv::IrNode& q = add_node(m, "QMatMul", {a, constant("w", {4, 3})}, g);
  q.domain = "qedge";
  q.opset = 1;
  add_node(m, "BatchNormalization",
           {g, constant("gamma", {3}), constant("beta", {3}), constant("mean", {3}), constant("var", {3})}, y)
      .opset = 13;
  m.main().inputs = {a};
  m.main().outputs = {y};
  conv::PassContext ctx;
  ASSERT_TRUE(conv::fold_batchnorm(m, ctx).ok());
  EXPECT_FALSE(ctx.changed);
  EXPECT_EQ(m.main().nodes.size(), 2u);
}

// End to end: a Gemm whose weight is DequantizeLinear of int8 levels is lowered to an integer op (which takes the
// normalization into its epilogue), not rewritten into a float Gemm off its grid.
TEST(FoldBatchNorm, QuantizedGemmStaysInteger) {
  std::mt19937 rng(17);
  const int64_t m = 3, k = 10, n = 7;
  std::uniform_int_distribution<int> level(-127, 127);
  std::vector<int8_t> levels(static_cast<size_t>(k * n));
  for (int8_t& l : levels) l = static_cast<int8_t>(level(rng));
  const auto wq = make_tensor<int8_t>(DType::kInt8, {k, n}, levels);
  const auto scale = make_tensor<float>(DType::kFloat32, {}, {0.02f});
  const auto a = uniform_tensor({m, k}, -1.0f, 1.0f, rng);
  const BatchNorm bn = random_batchnorm(n, rng);
  OnnxBuilder b(13);
  b.input("a", DType::kFloat32, {m, k}).initializer("wq", wq).initializer("scale", scale);
  b.node("DequantizeLinear", {"wq", "scale"}, {"w"}, "dq");
  b.node("Gemm", {"a", "w"}, {"g"}, "gemm");
  add_batchnorm(b, bn, "bn", "g", "y");
  b.output("y", DType::kFloat32);
  const TensorData w = ref_op("DequantizeLinear", AttrMap(), {wq, scale});
  const TensorData want = ref_batchnorm(ref_op("Gemm", AttrMap(), {a, w}), bn);
  const auto ops = convert_and_compare(b, {a}, want);
  EXPECT_FALSE(has_op(ops, "Gemm"));
  EXPECT_FALSE(has_op(ops, "BatchNormalization"));
}

// Cases that must keep their BatchNormalization (results still those of the unfolded ops).
TEST(FoldBatchNorm, NotFoldedWhenAnyConditionFails) {
  const int64_t m = 4, k = 6, n = 5;
  std::mt19937 rng(19);
  const auto a = uniform_tensor({m, k}, -1.0f, 1.0f, rng);
  const auto w = uniform_tensor({k, n}, -1.0f, 1.0f, rng);
  const auto c = uniform_tensor({n}, -1.0f, 1.0f, rng);
  const BatchNorm bn = random_batchnorm(n, rng);
  const TensorData g = ref_op("Gemm", AttrMap(), {a, w});
  const TensorData gc = ref_op("Gemm", AttrMap(), {a, w, c});
  // a -> Gemm(in) -> g -> BatchNormalization -> y (output y); the caller adds the Gemm's other operands.
  auto gemm_bn = [&](std::vector<std::string> in, int opset, bool training) {
    auto b = std::make_unique<OnnxBuilder>(opset);
    b->input("a", DType::kFloat32, {m, k});
    b->node("Gemm", in, {"g"}, "gemm");
    auto& node = add_batchnorm(*b, bn, "bn", "g", "y");
    if (training) OnnxBuilder::set_int(node, "training_mode", 1);
    b->output("y", DType::kFloat32);
    return b;
  };
  {
    SCOPED_TRACE("the Gemm's output is also a graph output");
    auto b = gemm_bn({"a", "w"}, 13, false);
    b->initializer("w", w).output("g", DType::kFloat32);
    EXPECT_TRUE(has_op(convert_and_compare(*b, {a}, ref_batchnorm(g, bn)), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("the Gemm's output has another reader");
    auto b = gemm_bn({"a", "w"}, 13, false);
    b->initializer("w", w).node("Relu", {"g"}, {"r"}, "relu");
    b->output("r", DType::kFloat32);
    const auto ops = convert_and_compare(*b, {a}, ref_batchnorm(g, bn));
    EXPECT_TRUE(has_op(ops, "BatchNormalization"));
  }
  {
    SCOPED_TRACE("the weight is an input");
    auto b = gemm_bn({"a", "w"}, 13, false);
    b->input("w", DType::kFloat32, {k, n});
    EXPECT_TRUE(has_op(convert_and_compare(*b, {a, w}, ref_batchnorm(g, bn)), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("C is an input");
    auto b = gemm_bn({"a", "w", "c"}, 13, false);
    b->initializer("w", w).input("c", DType::kFloat32, {n});
    EXPECT_TRUE(has_op(convert_and_compare(*b, {a, c}, ref_batchnorm(gc, bn)), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("the mean is an input");
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, {m, k}).input("mean", DType::kFloat32, {n}).initializer("w", w);
    b.initializer("gamma", bn.gamma).initializer("beta", bn.beta).initializer("var", bn.var);
    b.node("Gemm", {"a", "w"}, {"g"}, "gemm");
    set_float(b.node("BatchNormalization", {"g", "gamma", "beta", "mean", "var"}, {"y"}, "bn"), "epsilon", bn.eps);
    b.output("y", DType::kFloat32);
    EXPECT_TRUE(has_op(convert_and_compare(b, {a, bn.mean}, ref_batchnorm(g, bn)), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("training mode (opset 15)");
    auto b = gemm_bn({"a", "w"}, 15, true);
    b->initializer("w", w);
    const auto want = ref_batchnorm(g, bn, true);
    EXPECT_TRUE(has_op(convert_and_compare(*b, {a}, want), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("a statistics output is read (opset 9)");
    OnnxBuilder b(9);
    b.input("a", DType::kFloat32, {m, k}).initializer("w", w);
    b.initializer("gamma", bn.gamma).initializer("beta", bn.beta);
    b.initializer("mean", bn.mean).initializer("var", bn.var);
    b.node("Gemm", {"a", "w"}, {"g"}, "gemm");
    set_float(b.node("BatchNormalization", {"g", "gamma", "beta", "mean", "var"}, {"y", "running_mean"}, "bn"),
              "epsilon", bn.eps);
    b.output("y", DType::kFloat32).output("running_mean", DType::kFloat32);
    AttrMap attrs;
    attrs.set(float_attr("epsilon", bn.eps));
    auto want = run_ref_kernel("BatchNormalization", attrs, {g, bn.gamma, bn.beta, bn.mean, bn.var}, 2, 9);
    ASSERT_TRUE(want.ok()) << want.status().message();
    EXPECT_TRUE(has_op(convert_and_compare(b, {a}, (*want)[0]), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("batched MatMul: the channel axis is not the columns");
    const auto a3 = uniform_tensor({2, m, k}, -1.0f, 1.0f, rng);
    const BatchNorm bn_rows = random_batchnorm(m, rng);
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, {2, m, k}).initializer("w", w);
    b.node("MatMul", {"a", "w"}, {"g"}, "matmul");
    add_batchnorm(b, bn_rows, "bn", "g", "y");
    b.output("y", DType::kFloat32);
    const auto want = ref_batchnorm(ref_op("MatMul", AttrMap(), {a3, w}), bn_rows);
    EXPECT_TRUE(has_op(convert_and_compare(b, {a3}, want), "BatchNormalization"));
  }
  {
    SCOPED_TRACE("Conv in training mode (opset 15)");
    const auto x = uniform_tensor({2, 3, 4, 4}, -1.0f, 1.0f, rng);
    const auto cw = uniform_tensor({n, 3, 1, 1}, -1.0f, 1.0f, rng);
    OnnxBuilder b(15);
    b.input("x", DType::kFloat32, {2, 3, 4, 4}).initializer("w", cw);
    b.node("Conv", {"x", "w"}, {"c"}, "conv");
    OnnxBuilder::set_int(add_batchnorm(b, bn, "bn", "c", "y"), "training_mode", 1);
    b.output("y", DType::kFloat32);
    const auto want = ref_batchnorm(ref_op("Conv", AttrMap(), {x, cw}), bn, true);
    EXPECT_TRUE(has_op(convert_and_compare(b, {x}, want), "BatchNormalization"));
  }
}

}  // namespace
}  // namespace qedge::testing
