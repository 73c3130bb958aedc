#include <gtest/gtest.h>

#include "ir/graph.h"
#include "passes/pass.h"

namespace qedge::conv {
namespace {

// A chain x -> a -> b -> c -> y of float[256] tensors, plus `keep`, produced first and read last.
IrModel chain_model() {
  IrModel m;
  m.graphs.emplace_back();
  auto tensor = [&](const std::string& name) {
    IrTensor t;
    t.name = name;
    t.dtype = DType::kFloat32;
    t.shape = {256};
    t.shape_known = true;
    return m.add_tensor(t);
  };
  const int x = tensor("x"), keep = tensor("keep"), a = tensor("a"), b = tensor("b"), c = tensor("c"), y = tensor("y");
  m.tensors[x].is_graph_input = true;
  IrGraph& g = m.main();
  g.inputs = {x};
  g.outputs = {y};
  auto node = [&](std::vector<int> in, int out) {
    IrNode n;
    n.op_type = "Relu";
    n.inputs = std::move(in);
    n.outputs = {out};
    g.nodes.push_back(n);
  };
  node({x}, keep);
  node({x}, a);
  node({a}, b);
  node({b}, c);
  node({c, keep}, y);
  return m;
}

bool overlap(const IrTensor& p, const IrTensor& q) {
  const int64_t bytes = 256 * 4;
  return p.arena_offset < q.arena_offset + bytes && q.arena_offset < p.arena_offset + bytes;
}

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

}  // namespace
}  // namespace qedge::conv
