// Unit tests for the seq family: losses, attention, recurrent cells, rotary/causal-conv/linear
// attention and the control-flow operators (driven by a fake SubgraphRunner).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "../../../support/kernel_harness.h"
#include "qedge/cpu_ref/ref_kernels.h"
#include "qedge/kernel_api/float16.h"

namespace qedge::testing {
namespace {

using Floats = std::vector<float>;

TensorData f32(Dims shape, Floats v) { return make_tensor<float>(DType::kFloat32, std::move(shape), v); }
// bool tensors from bytes (std::vector<bool> has no data()).
TensorData bools(Dims shape, std::vector<uint8_t> v) { return make_tensor<uint8_t>(DType::kBool, std::move(shape), v); }
TensorData i64(Dims shape, std::vector<int64_t> v) { return make_tensor<int64_t>(DType::kInt64, std::move(shape), v); }

void expect_near(const Floats& got, const Floats& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// ---- SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss ----

TEST(SeqNllLoss, WeightedMeanSkipsIgnoredTargets) {
  AttrMap a;
  a.set(int_attr("ignore_index", 2));
  // input [N=3, C=3] of log-probabilities; the third target is ignored.
  auto x = f32({3, 3}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  auto out = run_ref_kernel("NegativeLogLikelihoodLoss", a, {x, i64({3}, {0, 1, 2}), f32({3}, {1, 2, 4})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, Dims{});
  // (1*1 + 5*2) / (1 + 2)
  expect_near(values_of<float>(out->at(0)), {11.0f / 3});
}

TEST(SeqNllLoss, NoneKeepsSpatialShape) {
  AttrMap a;
  a.set(string_attr("reduction", "none"));
  // input [N=1, C=2, d=2]
  auto x = f32({1, 2, 2}, {-1, -2, -3, -4});
  auto out = run_ref_kernel("NegativeLogLikelihoodLoss", a, {x, i64({1, 2}, {1, 0})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 2}));
  expect_near(values_of<float>(out->at(0)), {3, 2});
}

TEST(SeqNllLoss, RejectsOutOfRangeTarget) {
  auto out = run_ref_kernel("NegativeLogLikelihoodLoss", {}, {f32({1, 2}, {-1, -2}), i64({1}, {5})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("5"), std::string::npos);
}

TEST(SeqSoftmaxCrossEntropyLoss, SumAndLogProb) {
  AttrMap a;
  a.set(string_attr("reduction", "sum"));
  // Equal scores: log_prob = -ln 2 everywhere, loss per sample ln 2.
  auto out = run_ref_kernel("SoftmaxCrossEntropyLoss", a, {f32({2, 2}, {3, 3, 1, 1}), i64({2}, {0, 1})}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float ln2 = std::log(2.0f);
  expect_near(values_of<float>(out->at(0)), {2 * ln2});
  EXPECT_EQ(out->at(1).shape, (Dims{2, 2}));
  expect_near(values_of<float>(out->at(1)), {-ln2, -ln2, -ln2, -ln2});
}

TEST(SeqSoftmaxCrossEntropyLoss, DoubleMean) {
  auto x = make_tensor<double>(DType::kFloat64, {1, 2}, {0.0, std::log(3.0)});
  auto out = run_ref_kernel("SoftmaxCrossEntropyLoss", {}, {x, i64({1}, {1})}, 1, 13);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_NEAR(values_of<double>(out->at(0))[0], -std::log(0.75), 1e-12);
}

TEST(SeqSoftmaxCrossEntropyLoss, RejectsTargetShape) {
  auto out = run_ref_kernel("SoftmaxCrossEntropyLoss", {}, {f32({2, 2}, {1, 2, 3, 4}), i64({3}, {0, 0, 0})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[3]"), std::string::npos);
}

// ---- Attention ----

TEST(SeqAttention, SoftmaxWeightsValues) {
  AttrMap a;
  a.set(float_attr("scale", 1.0f));
  // One query against keys with scores 0 and ln 3: weights 1/4, 3/4.
  auto q = f32({1, 1, 1, 1}, {1});
  auto k = f32({1, 1, 2, 1}, {0, std::log(3.0f)});
  auto v = f32({1, 1, 2, 1}, {4, 8});
  auto out = run_ref_kernel("Attention", a, {q, k, v}, 1, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {7});
}

TEST(SeqAttention, CausalWithPastAndPresent) {
  AttrMap a;
  a.set(int_attr("is_causal", 1));
  // past has one key; the single new query sees the past key and its own key (all zero scores).
  auto q = f32({1, 1, 1, 1}, {0});
  auto k = f32({1, 1, 1, 1}, {0});
  auto v = f32({1, 1, 1, 1}, {6});
  auto pk = f32({1, 1, 1, 1}, {0});
  auto pv = f32({1, 1, 1, 1}, {2});
  auto out = run_ref_kernel("Attention", a, {q, k, v, std::nullopt, pk, pv}, 3, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {4});
  EXPECT_EQ(out->at(2).shape, (Dims{1, 1, 2, 1}));
  expect_near(values_of<float>(out->at(2)), {2, 6});
}

TEST(SeqAttention, BoolMaskAndGqa3d) {
  AttrMap a;
  a.set(int_attr("q_num_heads", 2));
  a.set(int_attr("kv_num_heads", 1));
  // 3-D: Q [1, 1, 2 heads * 1], K/V [1, 2, 1]; the mask hides the second key.
  auto q = f32({1, 1, 2}, {1, 1});
  auto k = f32({1, 2, 1}, {1, 1});
  auto v = f32({1, 2, 1}, {3, 5});
  auto mask = bools({1, 2}, {1, 0});
  auto out = run_ref_kernel("Attention", a, {q, k, v, mask}, 1, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, (Dims{1, 1, 2}));
  expect_near(values_of<float>(out->at(0)), {3, 3});
}

TEST(SeqAttention, Float16) {
  auto h = [](Dims s, Floats v) {
    std::vector<Float16> hv;
    for (float f : v) hv.emplace_back(f);
    return make_tensor<Float16>(DType::kFloat16, std::move(s), hv);
  };
  std::vector<std::optional<TensorData>> ins{h({1, 1, 1, 2}, {0, 0}), h({1, 1, 2, 2}, {1, 2, 3, 4}),
                                             h({1, 1, 2, 1}, {1, 3})};
  auto out = run_ref_kernel("Attention", {}, ins, 1, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).dtype, DType::kFloat16);
  EXPECT_FLOAT_EQ(static_cast<float>(values_of<Float16>(out->at(0))[0]), 2.0f);
}

TEST(SeqAttention, Rejects3dWithoutHeads) {
  auto out =
      run_ref_kernel("Attention", {}, {f32({1, 1, 2}, {1, 1}), f32({1, 1, 2}, {1, 1}), f32({1, 1, 2}, {1, 1})}, 1, 23);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("q_num_heads"), std::string::npos);
}

// ---- RNN / GRU / LSTM ----

TEST(SeqRnn, ForwardAndReverse) {
  AttrMap a;
  a.set(int_attr("hidden_size", 1));
  auto x = f32({2, 1, 1}, {0.5f, -1.0f});
  auto w = f32({1, 1, 1}, {1});
  auto r = f32({1, 1, 1}, {0.5f});
  auto out = run_ref_kernel("RNN", a, {x, w, r}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float h1 = std::tanh(0.5f), h2 = std::tanh(-1.0f + 0.5f * h1);
  EXPECT_EQ(out->at(0).shape, (Dims{2, 1, 1, 1}));
  expect_near(values_of<float>(out->at(0)), {h1, h2});
  expect_near(values_of<float>(out->at(1)), {h2});

  a.set(string_attr("direction", "reverse"));
  out = run_ref_kernel("RNN", a, {x, w, r}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float g1 = std::tanh(-1.0f), g2 = std::tanh(0.5f + 0.5f * g1);
  expect_near(values_of<float>(out->at(0)), {g2, g1});
}

TEST(SeqRnn, SequenceLensZeroPadsBatchwise) {
  AttrMap a;
  a.set(int_attr("layout", 1));
  // batch 2, seq 2; the second sequence has length 1.
  auto x = f32({2, 2, 1}, {1, 1, 1, 1});
  auto lens = make_tensor<int32_t>(DType::kInt32, {2}, {2, 1});
  auto out = run_ref_kernel("RNN", a, {x, f32({1, 1, 1}, {1}), f32({1, 1, 1}, {0}), std::nullopt, lens}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float t = std::tanh(1.0f);
  EXPECT_EQ(out->at(0).shape, (Dims{2, 2, 1, 1}));
  expect_near(values_of<float>(out->at(0)), {t, t, t, 0});
  expect_near(values_of<float>(out->at(1)), {t, t});
}

TEST(SeqGru, ZeroWeightsHalveState) {
  // z = sigmoid(0) = 0.5 and the candidate is tanh(0) = 0, so each step halves h.
  auto x = f32({2, 1, 1}, {3, -3});
  auto out = run_ref_kernel(
      "GRU", {},
      {x, f32({1, 3, 1}, {0, 0, 0}), f32({1, 3, 1}, {0, 0, 0}), std::nullopt, std::nullopt, f32({1, 1, 1}, {1})}, 2);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {0.5f, 0.25f});
}

TEST(SeqGru, LinearBeforeResetUsesRecurrentBias) {
  AttrMap a;
  a.set(int_attr("linear_before_reset", 1));
  // Only the hidden gate's recurrent bias is set: candidate = tanh(r * Rbh) = tanh(0.5 * 2).
  auto b = f32({1, 6}, {0, 0, 0, 0, 0, 2});
  auto out =
      run_ref_kernel("GRU", a, {f32({1, 1, 1}, {0}), f32({1, 3, 1}, {0, 0, 0}), f32({1, 3, 1}, {0, 0, 0}), b}, 1);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {0.5f * std::tanh(1.0f)});
}

TEST(SeqLstm, ZeroWeightsWithInitialCell) {
  // All gates are sigmoid(0) = 0.5 and the candidate is 0: c halves, h = 0.5 * tanh(c).
  std::vector<std::optional<TensorData>> ins{
      f32({1, 1, 1}, {2}), f32({1, 4, 1}, {0, 0, 0, 0}), f32({1, 4, 1}, {0, 0, 0, 0}), std::nullopt,
      std::nullopt,        f32({1, 1, 1}, {0}),          f32({1, 1, 1}, {1})};
  auto out = run_ref_kernel("LSTM", {}, ins, 3);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(1)), {0.5f * std::tanh(0.5f)});
  expect_near(values_of<float>(out->at(2)), {0.5f});
}

TEST(SeqLstm, RejectsWrongWeightShape) {
  auto out = run_ref_kernel("LSTM", {}, {f32({1, 1, 1}, {2}), f32({1, 3, 1}, {0, 0, 0}), f32({1, 4, 1}, {0, 0, 0, 0})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("[1,3,1]"), std::string::npos);
}

// ---- RotaryEmbedding / CausalConvWithState / LinearAttention ----

TEST(SeqRotaryEmbedding, QuarterTurnWithoutPositionIds) {
  // cos 0, sin 1 rotates each (x1, x2) pair to (-x2, x1).
  auto x = f32({1, 1, 1, 2}, {1, 2});
  auto out = run_ref_kernel("RotaryEmbedding", {}, {x, f32({1, 1, 1}, {0}), f32({1, 1, 1}, {1})}, 1, 23);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {-2, 1});
}

TEST(SeqRotaryEmbedding, RejectsOutOfRangePositionId) {
  auto out = run_ref_kernel("RotaryEmbedding", {},
                            {f32({1, 1, 1, 2}, {1, 2}), f32({1, 1}, {0}), f32({1, 1}, {1}), i64({1, 1}, {7})}, 1, 23);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("7"), std::string::npos);
}

TEST(SeqCausalConvWithState, UsesPastStateAndReturnsPresent) {
  auto out =
      run_ref_kernel("CausalConvWithState", {},
                     {f32({1, 1, 3}, {1, 2, 3}), f32({1, 1, 2}, {1, 10}), std::nullopt, f32({1, 1, 1}, {5})}, 2, 27);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {15, 21, 32});
  expect_near(values_of<float>(out->at(1)), {3});
}

TEST(SeqLinearAttention, LinearRuleAccumulatesState) {
  AttrMap a;
  a.set(int_attr("q_num_heads", 1));
  a.set(int_attr("kv_num_heads", 1));
  a.set(string_attr("update_rule", "linear"));
  auto ones = f32({1, 2, 1}, {1, 1});
  auto out = run_ref_kernel("LinearAttention", a, {ones, ones, ones}, 2, 27);
  ASSERT_TRUE(out.ok()) << out.status().message();
  expect_near(values_of<float>(out->at(0)), {1, 2});
  expect_near(values_of<float>(out->at(1)), {2});
}

TEST(SeqLinearAttention, GatedDeltaRequiresDecay) {
  AttrMap a;
  a.set(int_attr("q_num_heads", 1));
  a.set(int_attr("kv_num_heads", 1));
  auto ones = f32({1, 2, 1}, {1, 1});
  auto out = run_ref_kernel("LinearAttention", a, {ones, ones, ones}, 2, 27);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("decay"), std::string::npos);
}

// ---- If / Loop / Scan with a fake subgraph runner ----

// Subgraphs as C++ functions over owned tensors; outputs stay valid until the next call.
class FakeRunner : public SubgraphRunner {
 public:
  using Body = std::function<std::vector<TensorData>(const std::vector<const Tensor*>&)>;
  int add(int inputs, int outputs, Body body) {
    graphs_.push_back({inputs, outputs, std::move(body), {}});
    return static_cast<int>(graphs_.size()) - 1;
  }
  int num_inputs(int g) const override { return graphs_[g].inputs; }
  int num_outputs(int g) const override { return graphs_[g].outputs; }
  Status run(int g, const std::vector<const Tensor*>& in, std::vector<const Tensor*>* out) override {
    Graph& graph = graphs_[g];
    graph.last = graph.body(in);
    views_[g].clear();
    for (const TensorData& t : graph.last) views_[g].push_back(t.view());
    out->clear();
    for (const Tensor& v : views_[g]) out->push_back(&v);
    return Status::Ok();
  }

 private:
  struct Graph {
    int inputs, outputs;
    Body body;
    std::vector<TensorData> last;
  };
  std::vector<Graph> graphs_;
  std::map<int, std::vector<Tensor>> views_;
};

Attr graph_attr(const std::string& name, int g) {
  Attr a;
  a.name = name;
  a.kind = AttrKind::kGraph;
  a.graph = g;
  return a;
}

// Runs a control-flow kernel with a subgraph runner (null to mimic the converter).
Result<std::vector<TensorData>> run_control(const std::string& op, const AttrMap& attrs,
                                            const std::vector<std::optional<TensorData>>& inputs, int num_outputs,
                                            SubgraphRunner* runner, int opset = 11) {
  return run_ref_kernel(op, attrs, inputs, num_outputs, opset, "", runner);
}

float scalar_of(const Tensor* t) { return t->data_as<float>()[0]; }

TEST(SeqIf, RunsChosenBranch) {
  FakeRunner runner;
  AttrMap a;
  a.set(graph_attr("then_branch", runner.add(0, 1, [](auto&) { return std::vector<TensorData>{f32({2}, {1, 2})}; })));
  a.set(graph_attr("else_branch", runner.add(0, 1, [](auto&) {
    return std::vector<TensorData>{f32({3}, {7, 8, 9})};
  })));
  auto out = run_control("If", a, {bools({}, {0})}, 1, &runner);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->at(0).shape, Dims{3});
  EXPECT_EQ(values_of<float>(out->at(0)), (Floats{7, 8, 9}));
}

TEST(SeqIf, NeedsValuesWithoutRunner) {
  AttrMap a;
  a.set(graph_attr("then_branch", 0));
  a.set(graph_attr("else_branch", 1));
  auto out = run_control("If", a, {bools({}, {1})}, 1, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kNeedsValues);
}

TEST(SeqLoop, CarriesAndStacksScanOutputs) {
  FakeRunner runner;
  // body(i, cond, y) -> (cond, y + i, y + i)
  int body = runner.add(3, 3, [](const std::vector<const Tensor*>& in) {
    const float y = scalar_of(in[2]) + static_cast<float>(in[0]->data_as<int64_t>()[0]);
    return std::vector<TensorData>{bools({}, {1}), f32({1}, {y}), f32({1}, {y})};
  });
  AttrMap a;
  a.set(graph_attr("body", body));
  auto out = run_control("Loop", a, {i64({}, {3}), bools({}, {1}), f32({1}, {10})}, 2, &runner);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (Floats{13}));
  EXPECT_EQ(out->at(1).shape, (Dims{3, 1}));
  EXPECT_EQ(values_of<float>(out->at(1)), (Floats{10, 11, 13}));
}

TEST(SeqLoop, StopsWhenBodyCondTurnsFalse) {
  FakeRunner runner;
  // while-loop without M: stops after the iteration where y reaches 2.
  int body = runner.add(3, 2, [](const std::vector<const Tensor*>& in) {
    const float y = scalar_of(in[2]) + 1;
    return std::vector<TensorData>{bools({}, {static_cast<uint8_t>(y < 2)}), f32({}, {y})};
  });
  AttrMap a;
  a.set(graph_attr("body", body));
  auto out = run_control("Loop", a, {std::nullopt, bools({}, {1}), f32({}, {0})}, 1, &runner);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (Floats{2}));
}

TEST(SeqLoop, RejectsBodyArity) {
  FakeRunner runner;
  AttrMap a;
  a.set(graph_attr("body", runner.add(2, 1, [](auto&) { return std::vector<TensorData>{}; })));
  auto out = run_control("Loop", a, {i64({}, {1}), std::nullopt, f32({}, {0})}, 1, &runner);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidModel);
}

// Running sum body shared by the Scan tests: (sum, x) -> (sum + x, sum + x).
FakeRunner::Body running_sum() {
  return [](const std::vector<const Tensor*>& in) {
    Floats s(static_cast<size_t>(in[0]->numel()));
    for (size_t i = 0; i < s.size(); ++i) s[i] = in[0]->data_as<float>()[i] + in[1]->data_as<float>()[i];
    return std::vector<TensorData>{f32(in[0]->shape, s), f32(in[0]->shape, s)};
  };
}

TEST(SeqScan, Opset9AxesAndDirections) {
  FakeRunner runner;
  AttrMap a;
  a.set(graph_attr("body", runner.add(2, 2, running_sum())));
  a.set(int_attr("num_scan_inputs", 1));
  a.set(ints_attr("scan_input_axes", {1}));        // scan over the columns of x [2, 3]
  a.set(ints_attr("scan_input_directions", {1}));  // last column first
  a.set(ints_attr("scan_output_axes", {-1}));
  auto out = run_control("Scan", a, {f32({2}, {0, 0}), f32({2, 3}, {1, 2, 3, 4, 5, 6})}, 2, &runner, 9);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (Floats{6, 15}));
  EXPECT_EQ(out->at(1).shape, (Dims{2, 3}));
  EXPECT_EQ(values_of<float>(out->at(1)), (Floats{3, 5, 6, 6, 11, 15}));
}

TEST(SeqScan, Opset8BatchWithSequenceLens) {
  FakeRunner runner;
  AttrMap a;
  a.set(graph_attr("body", runner.add(2, 2, running_sum())));
  a.set(int_attr("num_scan_inputs", 1));
  // batch 2, seq 2, element [1]; the second batch entry has length 1 and gets zero padding.
  auto out =
      run_control("Scan", a, {i64({2}, {2, 1}), f32({2, 1}, {0, 0}), f32({2, 2, 1}, {1, 2, 3, 4})}, 2, &runner, 8);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(values_of<float>(out->at(0)), (Floats{3, 3}));
  EXPECT_EQ(out->at(1).shape, (Dims{2, 2, 1}));
  EXPECT_EQ(values_of<float>(out->at(1)), (Floats{1, 3, 3, 0}));
}

}  // namespace
}  // namespace qedge::testing
