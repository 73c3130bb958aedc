// MatMul bias fusion: MatMul (2-D right operand) + Add of a per-column constant [+ activation] becomes Gemm with C
// (Reshapes around it for an A of rank > 2; the activation fused into it), with results equal to the unfused ops
// within float rounding; no fusion where the bias is not per column or not constant, the MatMul's output has another
// reader, or the right operand is not 2-D.
#include <cmath>
#include <random>

#include "pass_test_util.h"

namespace qedge::testing {
namespace {

TensorData scalar(float v) { return make_tensor<float>(DType::kFloat32, {}, {v}); }

void add_activation(OnnxBuilder& b, const std::string& act, const std::string& in, const std::string& out) {
  if (act == "Clip") {
    b.initializer("lo", scalar(-0.25f)).initializer("hi", scalar(0.5f));
    b.node("Clip", {in, "lo", "hi"}, {out}, "act");
  } else {
    b.node(act, {in}, {out}, "act");
  }
}

// The MatMul, Add and activation of the unfused graph on the reference kernels.
TensorData reference(const TensorData& a, const TensorData& w, const TensorData& bias, const std::string& act) {
  auto mm = run_ref_kernel("MatMul", AttrMap(), {a, w});
  EXPECT_TRUE(mm.ok());
  auto sum = run_ref_kernel("Add", AttrMap(), {(*mm)[0], bias});
  EXPECT_TRUE(sum.ok());
  if (act.empty()) return (*sum)[0];
  std::vector<std::optional<TensorData>> in{(*sum)[0]};
  if (act == "Clip") in = {(*sum)[0], scalar(-0.25f), scalar(0.5f)};
  auto y = run_ref_kernel(act, AttrMap(), in);
  EXPECT_TRUE(y.ok());
  return (*y)[0];
}

void expect_close(const std::vector<float>& got, const TensorData& want) {
  const auto w = values_of<float>(want);
  ASSERT_EQ(got.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) ASSERT_NEAR(got[i], w[i], 1e-5f * (1.0f + std::fabs(w[i]))) << i;
}

struct Case {
  Dims a;     // A's shape; K = its last dim
  int64_t n;  // output columns
  Dims bias;  // the bias constant's shape (N values)
  bool bias_first;
  std::string act;  // "" for none
};

TEST(FuseMatMulBias, BecomesGemmWithBiasAndActivation) {
  const Case cases[] = {
      {{7, 13}, 9, {9}, false, ""},           {{7, 13}, 9, {1, 9}, true, "Relu"},
      {{1, 11, 5}, 17, {17}, false, ""},      {{2, 3, 19}, 33, {1, 1, 33}, true, "Relu"},
      {{1, 64, 24}, 40, {40}, false, "Relu"}, {{3, 2, 5, 8}, 6, {6}, false, "Clip"},
      {{2, 9, 7}, 70, {70}, false, "Sigmoid"}, {{1, 6, 10}, 12, {12}, true, "LeakyRelu"},
      {{2, 5, 4}, 3, {3}, false, "HardSwish"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(dims_to_string(c.a) + " x " + std::to_string(c.n) + " act " + c.act);
    std::mt19937 rng(static_cast<unsigned>(c.a.size() * 100 + c.n));
    const TensorData a = random_float_tensor(c.a, rng);
    const TensorData w = random_float_tensor({c.a.back(), c.n}, rng);
    const TensorData bias = random_float_tensor(c.bias, rng);
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, c.a).initializer("w", w).initializer("bias", bias);
    b.node("MatMul", {"a", "w"}, {"mm"}, "matmul");
    const std::string sum = c.act.empty() ? "y" : "sum";
    b.node("Add", c.bias_first ? std::vector<std::string>{"bias", "mm"} : std::vector<std::string>{"mm", "bias"},
           {sum}, "add");
    if (!c.act.empty()) add_activation(b, c.act, "sum", "y");
    b.output("y", DType::kFloat32);
    auto r = convert_built(b);
    ASSERT_TRUE(r.ok()) << r.status().message();
    const std::string gemm = c.act.empty() ? "Gemm" : "qedge.FusedGemm";
    const auto want_ops = c.a.size() == 2 ? std::vector<std::string>{gemm}
                                          : std::vector<std::string>{"Reshape", gemm, "Reshape"};
    EXPECT_EQ(report_ops(*r), want_ops);
    const TensorData want = reference(a, w, bias, c.act);
    for (int threads : {1, 3}) expect_close(run_float_model(r->bytes, {a}, threads, 2), want);
  }
}

TEST(FuseMatMulBias, KeepsWhatIsNotAColumnBias) {
  std::mt19937 rng(3);
  const TensorData w = random_float_tensor({6, 4}, rng);
  const auto convert_ops = [&](const std::function<void(OnnxBuilder&)>& build) {
    OnnxBuilder b(13);
    b.input("a", DType::kFloat32, {1, 5, 6}).initializer("w", w);
    build(b);
    b.output("y", DType::kFloat32);
    auto r = convert_built(b);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? report_ops(*r) : std::vector<std::string>();
  };
  const std::vector<std::string> unfused{"MatMul", "Add"};
  // A bias per row.
  EXPECT_EQ(convert_ops([&](OnnxBuilder& b) {
              b.initializer("bias", random_float_tensor({5, 1}, rng));
              b.node("MatMul", {"a", "w"}, {"mm"}, "matmul");
              b.node("Add", {"mm", "bias"}, {"y"}, "add");
            }),
            unfused);
  // A bias that is an input.
  EXPECT_EQ(convert_ops([&](OnnxBuilder& b) {
              b.input("bias", DType::kFloat32, {4});
              b.node("MatMul", {"a", "w"}, {"mm"}, "matmul");
              b.node("Add", {"mm", "bias"}, {"y"}, "add");
            }),
            unfused);
  // The MatMul's output read twice.
  EXPECT_EQ(convert_ops([&](OnnxBuilder& b) {
              b.initializer("bias", random_float_tensor({4}, rng));
              b.node("MatMul", {"a", "w"}, {"mm"}, "matmul");
              b.node("Add", {"mm", "bias"}, {"s"}, "add");
              b.node("Mul", {"s", "mm"}, {"y"}, "mul");
            }),
            (std::vector<std::string>{"MatMul", "Add", "Mul"}));
}

TEST(FuseMatMulBias, KeepsBatchedRightOperands) {
  std::mt19937 rng(4);
  OnnxBuilder b(13);
  b.input("a", DType::kFloat32, {2, 5, 6}).initializer("w", random_float_tensor({2, 6, 4}, rng));
  b.initializer("bias", random_float_tensor({4}, rng));
  b.node("MatMul", {"a", "w"}, {"mm"}, "matmul");
  b.node("Add", {"mm", "bias"}, {"y"}, "add");
  b.output("y", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), (std::vector<std::string>{"MatMul", "Add"}));
}

}  // namespace
}  // namespace qedge::testing
