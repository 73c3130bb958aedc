// Transpose elimination on small graphs: identity Transposes vanish, chains merge into one Transpose, inverse pairs
// vanish, Transposes of constants fold; results stay those of the original graph.
#include <random>

#include "ir/graph.h"
#include "pass_test_util.h"
#include "passes/pass.h"

namespace qedge::testing {
namespace {

std::vector<float> iota_values(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) * 0.5f - 3.0f;
  return v;
}

// x [2,3,4,5] -> Transpose(p1) -> Transpose(p2) -> Relu -> y, converted and run.
struct Chain {
  Result<ConvertResult> converted;
  std::vector<float> got, want;
};

Chain run_chain(const std::vector<int64_t>& p1, const std::vector<int64_t>& p2) {
  OnnxBuilder b(13);
  b.input("x", DType::kFloat32, {2, 3, 4, 5});
  OnnxBuilder::set_ints(b.node("Transpose", {"x"}, {"t1"}, "t1"), "perm", p1);
  OnnxBuilder::set_ints(b.node("Transpose", {"t1"}, {"t2"}, "t2"), "perm", p2);
  b.node("Relu", {"t2"}, {"y"}, "relu");
  b.output("y", DType::kFloat32);
  Chain c{convert_built(b), {}, {}};
  if (!c.converted.ok()) return c;
  const auto x = make_tensor<float>(DType::kFloat32, {2, 3, 4, 5}, iota_values(120));
  c.got = run_float_model(c.converted->bytes, {x});
  AttrMap a1, a2;
  a1.set(ints_attr("perm", p1));
  a2.set(ints_attr("perm", p2));
  auto t1 = run_ref_kernel("Transpose", a1, {x});
  auto t2 = run_ref_kernel("Transpose", a2, {(*t1)[0]});
  auto y = run_ref_kernel("Relu", AttrMap(), {(*t2)[0]});
  c.want = values_of<float>((*y)[0]);
  return c;
}

TEST(EliminateTransposes, InversePairVanishes) {
  Chain c = run_chain({0, 2, 3, 1}, {0, 3, 1, 2});
  ASSERT_TRUE(c.converted.ok()) << c.converted.status().message();
  EXPECT_EQ(report_ops(*c.converted), std::vector<std::string>{"Relu"});
  EXPECT_EQ(c.got, c.want);
}

TEST(EliminateTransposes, ChainMergesIntoOne) {
  Chain c = run_chain({0, 2, 3, 1}, {3, 1, 0, 2});
  ASSERT_TRUE(c.converted.ok()) << c.converted.status().message();
  EXPECT_EQ(report_ops(*c.converted), (std::vector<std::string>{"Transpose", "Relu"}));
  EXPECT_EQ(c.got, c.want);
}

TEST(EliminateTransposes, IdentityVanishes) {
  Chain c = run_chain({0, 1, 2, 3}, {1, 0, 3, 2});
  ASSERT_TRUE(c.converted.ok()) << c.converted.status().message();
  EXPECT_EQ(report_ops(*c.converted), (std::vector<std::string>{"Transpose", "Relu"}));
  EXPECT_EQ(c.got, c.want);
}

TEST(EliminateTransposes, ConstantTransposeFolds) {
  OnnxBuilder b(13);
  b.input("x", DType::kFloat32, {3, 2});
  b.initializer("c", make_tensor<float>(DType::kFloat32, {2, 3}, iota_values(6)));
  b.node("Transpose", {"c"}, {"ct"}, "t");
  b.node("Add", {"x", "ct"}, {"y"}, "add");
  b.output("y", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(report_ops(*r), std::vector<std::string>{"Add"});
  const auto x = make_tensor<float>(DType::kFloat32, {3, 2}, std::vector<float>(6, 1.0f));
  EXPECT_EQ(run_float_model(r->bytes, {x}), (std::vector<float>{-2.0f, -0.5f, -1.5f, 0.0f, -1.0f, 0.5f}));
}

// IR level: a Transpose read by two consumers stays for the one that needs it; an identity Transpose whose
// output is a graph output stays (it names the output); a default (reversing) perm composes like an explicit one.
TEST(EliminateTransposes, KeepsWhatOthersRead) {
  conv::IrModel m;
  m.graphs.emplace_back();
  const int x = add_float_tensor(m, "x", {2, 3, 4}), a = add_float_tensor(m, "a", {4, 3, 2}),
            b = add_float_tensor(m, "b", {2, 3, 4}), c = add_float_tensor(m, "c", {4, 3, 2}),
            y = add_float_tensor(m, "y", {4, 3, 2});
  m.main().inputs = {x};
  add_node(m, "Transpose", {x}, a);  // reverse
  add_node(m, "Transpose", {a}, b);  // reverse again: identity on x
  add_node(m, "Relu", {a}, c);
  add_node(m, "Add", {b, c}, y);     // (the pass reads no shapes but the Transposes' inputs)
  m.main().outputs = {y, b};
  conv::PassContext ctx;
  ASSERT_TRUE(conv::eliminate_transposes(m, ctx).ok());
  ASSERT_EQ(m.main().nodes.size(), 4u);
  // b is a graph output: its Transpose stays but now reads x with the identity permutation.
  EXPECT_EQ(m.main().nodes[1].inputs[0], x);
  EXPECT_EQ(m.main().nodes[1].attrs.get_ints("perm"), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(m.main().nodes[2].inputs[0], a);
}

}  // namespace
}  // namespace qedge::testing
