#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ir/graph.h"
#include "pass_test_util.h"
#include "passes/pass.h"

namespace qedge::conv {
namespace {

// A chain x -> a -> b -> c -> y of float[256] tensors, plus `keep`, produced first and read last; nodes `op`.
IrModel chain_model(const std::string& op = "Softmax") {
  using testing::add_float_tensor;
  IrModel m;
  m.graphs.emplace_back();
  const int x = add_float_tensor(m, "x", {256}), keep = add_float_tensor(m, "keep", {256}),
            a = add_float_tensor(m, "a", {256}), b = add_float_tensor(m, "b", {256}),
            c = add_float_tensor(m, "c", {256}), y = add_float_tensor(m, "y", {256});
  m.tensors[x].is_graph_input = true;
  m.main().inputs = {x};
  m.main().outputs = {y};
  testing::add_node(m, op, {x}, keep);
  testing::add_node(m, op, {x}, a);
  testing::add_node(m, op, {a}, b);
  testing::add_node(m, op, {b}, c);
  testing::add_node(m, op, {c, keep}, y);
  return m;
}

bool overlap(const IrTensor& p, const IrTensor& q) {
  const int64_t bytes = 256 * 4;
  return p.arena_offset < q.arena_offset + bytes && q.arena_offset < p.arena_offset + bytes;
}

// Softmax is not element-wise, so no output is written over its input.
TEST(PlanMemory, ReusesMemoryOnlyBetweenDisjointLifetimes) {
  IrModel m = chain_model();
  PassContext ctx;
  ASSERT_TRUE(plan_memory(m, ctx).ok());
  auto t = [&](const char* name) -> const IrTensor& {
    for (const auto& tensor : m.tensors) {
      if (tensor.name == name) return tensor;
    }
    throw std::runtime_error(name);
  };
  for (const auto& tensor : m.tensors) {
    EXPECT_GE(tensor.arena_offset, 0) << tensor.name;
    EXPECT_EQ(tensor.arena_offset % 64, 0) << tensor.name;
  }
  // Live at the same time: never share bytes.
  EXPECT_FALSE(overlap(t("x"), t("keep")));
  EXPECT_FALSE(overlap(t("keep"), t("c")));
  EXPECT_FALSE(overlap(t("a"), t("b")));
  EXPECT_FALSE(overlap(t("c"), t("y")));
  EXPECT_FALSE(overlap(t("x"), t("y")));  // inputs stay intact for the next run
  // a dies when b is made; c can take a's place. Six tensors fit in fewer than six slots.
  EXPECT_LT(m.arena_bytes, 6u * 1024u);
  EXPECT_GE(m.arena_bytes, 4u * 1024u);
}

TEST(PlanMemory, LeavesDynamicTensorsToTheRuntime) {
  IrModel m = chain_model();
  m.tensors[3].shape_known = false;  // b
  PassContext ctx;
  ASSERT_TRUE(plan_memory(m, ctx).ok());
  EXPECT_EQ(m.tensors[3].arena_offset, -1);
  EXPECT_GE(m.tensors[2].arena_offset, 0);
}

const IrTensor& named(const IrModel& m, const char* name) {
  for (const auto& tensor : m.tensors) {
    if (tensor.name == name) return tensor;
  }
  throw std::runtime_error(name);
}

// Element-wise nodes write over inputs that die there: a, b, c share one buffer; x (a graph input) and keep (read
// later) are never overwritten; y = c + keep takes c's buffer.
TEST(PlanMemory, ElementwiseNodesWriteOverDyingInputs) {
  IrModel m = chain_model("Relu");
  m.main().nodes.back().op_type = "Add";
  const uint64_t separate = [&] {
    IrModel softmax = chain_model();
    PassContext ctx;
    EXPECT_TRUE(plan_memory(softmax, ctx).ok());
    return softmax.arena_bytes;
  }();
  PassContext ctx;
  ASSERT_TRUE(plan_memory(m, ctx).ok());
  const auto off = [&](const char* name) { return named(m, name).arena_offset; };
  EXPECT_EQ(off("a"), off("b"));
  EXPECT_EQ(off("b"), off("c"));
  EXPECT_EQ(off("c"), off("y"));
  EXPECT_NE(off("x"), off("a"));
  EXPECT_NE(off("keep"), off("a"));
  EXPECT_NE(off("x"), off("keep"));
  EXPECT_EQ(m.arena_bytes, 3u * 1024u);
  EXPECT_LT(m.arena_bytes, separate);
}

// Nodes that prefer another backend, and binary nodes reading the same buffer twice, are not planned in place.
TEST(PlanMemory, InPlaceOnlyForCpuNodesAndDistinctBuffers) {
  IrModel m = chain_model("Relu");
  m.main().nodes[2].backend = "xnnpack";  // a -> b
  m.main().nodes[3].op_type = "Mul";      // b -> c reads b twice
  m.main().nodes[3].inputs = {m.main().nodes[2].outputs[0], m.main().nodes[2].outputs[0]};
  PassContext ctx;
  ASSERT_TRUE(plan_memory(m, ctx).ok());
  EXPECT_NE(named(m, "a").arena_offset, named(m, "b").arena_offset);
  EXPECT_NE(named(m, "b").arena_offset, named(m, "c").arena_offset);
}

// Reshape-like outputs alias their input, which may still be read later (they only read); an element-wise node
// may then write over the group only once every member is dead.
TEST(PlanMemory, ReshapeAliasesItsInput) {
  using testing::add_float_tensor;
  using testing::add_node;
  IrModel m;
  m.graphs.emplace_back();
  const int x = add_float_tensor(m, "x", {4, 64}), a = add_float_tensor(m, "a", {4, 64}),
            r = add_float_tensor(m, "r", {256}), b = add_float_tensor(m, "b", {4, 64}),
            c = add_float_tensor(m, "c", {256}), y = add_float_tensor(m, "y", {256});
  m.main().inputs = {x};
  m.main().outputs = {y};
  add_node(m, "Relu", {x}, a);     // x is a graph input: not overwritten
  add_node(m, "Reshape", {a}, r);  // r aliases a
  add_node(m, "Relu", {a}, b);     // a dies here but r lives on: not in place
  add_node(m, "Relu", {r}, c);     // the group {a, r} dies here: c takes it
  add_node(m, "Add", {c, b}, y);
  PassContext ctx;
  ASSERT_TRUE(plan_memory(m, ctx).ok());
  const auto off = [&](const char* name) { return named(m, name).arena_offset; };
  EXPECT_NE(off("x"), off("a"));
  EXPECT_EQ(off("a"), off("r"));
  EXPECT_NE(off("a"), off("b"));
  EXPECT_EQ(off("r"), off("c"));
  EXPECT_EQ(off("c"), off("y"));
}

}  // namespace
}  // namespace qedge::conv

namespace qedge::testing {
namespace {

// End to end: y = Neg(Reshape(Relu(x))) + Reshape(x) runs in place where planned and gives the same result on a
// second run of the same session (the graph input was not overwritten).
TEST(PlanMemory, InPlacePlanRunsCorrectly) {
  OnnxBuilder b(13);
  b.input("x", DType::kFloat32, {2, 8});
  b.initializer("shape", make_tensor<int64_t>(DType::kInt64, {1}, {16}));
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Reshape", {"a", "shape"}, {"r"}, "reshape");
  b.node("Neg", {"r"}, {"n"}, "neg");
  b.node("Reshape", {"x", "shape"}, {"xr"}, "reshape_x");
  b.node("Add", {"n", "xr"}, {"y"}, "add");
  b.output("y", DType::kFloat32);
  auto r = convert_built(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<float> xv(16), want(16);
  for (size_t i = 0; i < 16; ++i) {
    xv[i] = static_cast<float>(i) - 7.5f;
    want[i] = -std::max(xv[i], 0.0f) + xv[i];
  }
  const auto x = make_tensor<float>(DType::kFloat32, {2, 8}, xv);
  EXPECT_EQ(run_float_model(r->bytes, {x}, 1, 1), want);
  EXPECT_EQ(run_float_model(r->bytes, {x}, 1, 2), want);
}

// Every op planned in place, run through the runtime with its output over its dying input (either input of a
// binary op, the other broadcast): the reference kernel's values on separate buffers.
TEST(PlanMemory, EveryInPlaceOpRunsCorrectlyInPlace) {
  for (const std::string& op : conv::in_place_ops()) {
    const bool binary = op == "Add" || op == "Sub" || op == "Mul" || op == "Div";
    for (int position = 0; position < (binary ? 2 : 1); ++position) {
      SCOPED_TRACE(op + " input " + std::to_string(position));
      // Inside every op's domain (Acosh needs >= 1).
      const float base = op == "Acosh" ? 1.1f : 0.1f;
      std::vector<float> xv(15), bv(5);
      for (size_t i = 0; i < xv.size(); ++i) xv[i] = base + 0.05f * static_cast<float>(i);
      for (size_t i = 0; i < bv.size(); ++i) bv[i] = 0.5f + 0.25f * static_cast<float>(i);
      const auto x = make_tensor<float>(DType::kFloat32, {3, 5}, xv);
      const auto bt = make_tensor<float>(DType::kFloat32, {5}, bv);
      OnnxBuilder b(18);
      b.input("x", DType::kFloat32, {3, 5});
      b.node("Abs", {"x"}, {"a"}, "abs");  // a dies at the op: its buffer takes the output
      if (binary) {
        b.initializer("b", bt);
        b.node(op, position == 0 ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{"b", "a"}, {"y"}, "op");
      } else {
        b.node(op, {"a"}, {"y"}, "op");
      }
      b.output("y", DType::kFloat32);
      auto r = convert_built(b);
      ASSERT_TRUE(r.ok()) << r.status().message();
      std::vector<std::optional<TensorData>> in{x};
      if (binary) in = position == 0 ? std::vector<std::optional<TensorData>>{x, bt} : std::vector<std::optional<TensorData>>{bt, x};
      auto want = run_ref_kernel(op, AttrMap(), in);
      ASSERT_TRUE(want.ok()) << want.status().message();
      // The cpu backend's fast kernels (XNNPACK's Sigmoid, say) agree with the reference within the float tolerance.
      const auto got = run_float_model(r->bytes, {x});
      const auto expected = values_of<float>((*want)[0]);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-5 * (std::fabs(expected[i]) + 1.0)) << i;
    }
  }
}

}  // namespace
}  // namespace qedge::testing
