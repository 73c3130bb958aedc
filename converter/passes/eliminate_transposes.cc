// Transpose elimination: a Transpose that reads another Transpose reads the first one's input with the composed
// permutation instead (the first one dies when nothing else reads it), and a Transpose whose permutation is the
// identity (given so, or left by composing an inverse pair) disappears: its readers read its input. Transposes of
// constants need nothing here; constant folding evaluates them.
#include <algorithm>
#include <numeric>

#include "passes/pass.h"

namespace qedge::conv {
namespace {

// The permutation of Transpose `n`: its `perm`, else the reversal of its input's rank; empty when unknown or not a
// permutation (the kernel reports that one).
std::vector<int64_t> permutation(const IrModel& model, const IrNode& n) {
  std::vector<int64_t> perm;
  if (n.attrs.has("perm")) {
    perm = n.attrs.get_ints("perm");
  } else {
    const IrTensor& x = model.tensors[n.inputs[0]];
    if (!x.shape_known) return {};
    perm.resize(x.shape.size());
    std::iota(perm.rbegin(), perm.rend(), 0);
  }
  std::vector<int64_t> sorted(perm);
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] != static_cast<int64_t>(i)) return {};
  }
  return perm;
}

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

bool is_graph_output(const IrModel& model, int t) {
  for (const IrGraph& g : model.graphs) {
    if (std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end()) return true;
  }
  return false;
}

bool is_transpose(const IrNode& n) {
  return n.domain.empty() && n.op_type == "Transpose" && !n.inputs.empty() && n.inputs[0] >= 0 &&
         !n.outputs.empty() && n.outputs[0] >= 0;
}

// Every reader of tensor `from`, in any graph, reads `to` instead.
void replace_uses(IrModel& model, int from, int to) {
  for (IrGraph& g : model.graphs) {
    for (IrNode& n : g.nodes) std::replace(n.inputs.begin(), n.inputs.end(), from, to);
  }
}

}  // namespace

Status eliminate_transposes(IrModel& model, PassContext& ctx) {
  IrGraph& g = model.main();
  // The producing Transpose of each tensor, by node index.
  std::vector<int> producer(model.tensors.size(), -1);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (is_transpose(g.nodes[k])) producer[g.nodes[k].outputs[0]] = static_cast<int>(k);
  }
  std::vector<bool> removed(g.nodes.size(), false);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    IrNode& t = g.nodes[k];
    if (!is_transpose(t)) continue;
    std::vector<int64_t> perm = permutation(model, t);
    if (perm.empty()) continue;
    // Y = T2(T1(X)): Y.shape[i] = X.shape[p1[p2[i]]], so T2 reads X with q[i] = p1[p2[i]]. Earlier nodes are
    // already merged, so one step reaches the first Transpose of a chain.
    const int first = producer[t.inputs[0]];
    if (first >= 0) {
      const std::vector<int64_t> p1 = permutation(model, g.nodes[first]);
      if (p1.size() == perm.size()) {
        std::vector<int64_t> q(perm.size());
        for (size_t i = 0; i < perm.size(); ++i) q[i] = p1[perm[i]];
        t.inputs[0] = g.nodes[first].inputs[0];
        t.attrs.set(ints_attr("perm", q));
        perm = q;
        ctx.changed = true;
      }
    }
    // A graph output keeps its name and its producer; its identity Transpose stays (a copy).
    if (is_identity(perm) && !is_graph_output(model, t.outputs[0])) {
      replace_uses(model, t.outputs[0], t.inputs[0]);
      removed[k] = true;
      ctx.changed = true;
    }
  }
  erase_nodes(g, removed);
  return Status::Ok();
}

}  // namespace qedge::conv
