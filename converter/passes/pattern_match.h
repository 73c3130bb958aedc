// What the fusion passes that rewrite a chain of ai.onnx ops into one op (fuse_layer_norm, fuse_gelu) ask of the
// main graph: who reads a tensor, whether a tensor has no use but one node, and one-element constants.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/quant_grid.h"

namespace qedge::conv {

class PatternMatch {
 public:
  explicit PatternMatch(const IrModel& model) : model_(model), g_(model.main()) {
    for (size_t k = 0; k < g_.nodes.size(); ++k) {
      for (int t : g_.nodes[k].inputs) {
        if (t >= 0) readers_[t].push_back(static_cast<int>(k));
      }
      for (int t : g_.nodes[k].outputs) {
        if (t >= 0) writer_[t] = static_cast<int>(k);
      }
    }
  }

  const IrModel& model() const { return model_; }
  const IrNode& node(int k) const { return g_.nodes[k]; }
  const IrTensor& tensor(int t) const { return model_.tensors[t]; }
  // Reads of tensor t across all graphs, plus its uses as a graph output.
  int uses(int t) const { return use_count(model_, t); }
  static bool is_op(const IrNode& n, const char* op) { return n.domain.empty() && n.op_type == op; }

  // A main-graph node of ai.onnx type `op` with one output that reads t as input `slot` (-1: as exactly one of its
  // two inputs; a unary op: as input 0), appended to `nodes`; nullopt when there is none.
  std::optional<int> reader(int t, const char* op, int slot, std::vector<int>* nodes) const {
    const auto it = readers_.find(t);
    if (it == readers_.end()) return std::nullopt;
    for (int r : it->second) {
      const IrNode& n = g_.nodes[r];
      if (!is_op(n, op) || n.inputs.empty() || n.outputs.size() != 1 || n.outputs[0] < 0) continue;
      const bool binary = n.inputs.size() == 2;
      const bool at_slot = slot < 0 ? binary && (n.inputs[0] == t) != (n.inputs[1] == t)
                                    : slot < static_cast<int>(n.inputs.size()) && n.inputs[slot] == t;
      if (!at_slot) continue;
      nodes->push_back(r);
      return r;
    }
    return std::nullopt;
  }

  // As reader, for a t whose one use (across all graphs and graph outputs) is that node.
  std::optional<int> sole_reader(int t, const char* op, int slot, std::vector<int>* nodes) const {
    if (uses(t) != 1) return std::nullopt;
    return reader(t, op, slot, nodes);
  }

  // The main-graph node writing t; nullopt for graph inputs, constants and subgraph tensors.
  std::optional<int> writer(int t) const {
    const auto it = writer_.find(t);
    if (it == writer_.end()) return std::nullopt;
    return it->second;
  }

  // The input of the two-input node n that is not t.
  static int other_input(const IrNode& n, int t) { return n.inputs[0] == t ? n.inputs[1] : n.inputs[0]; }

  // The value of the one-element constant tensor t.
  std::optional<double> scalar_value(int t) const {
    const auto v = constant_values(model_, t);
    if (!v || v->size() != 1) return std::nullopt;
    return (*v)[0];
  }

  // Every node in `nodes` prefers the cpu backend (whose kernels run the fused ops) and is still in the graph.
  bool all_cpu_and_kept(const std::vector<int>& nodes, const std::vector<bool>& removed) const {
    for (int n : nodes) {
      if (g_.nodes[n].backend != "cpu" || removed[n]) return false;
    }
    return true;
  }

 private:
  const IrModel& model_;
  const IrGraph& g_;
  std::map<int, std::vector<int>> readers_;
  std::map<int, int> writer_;
};

// For each main-graph node k in order, m.match(k) (a std::optional<Match::Found> whose `nodes` end with the node
// writing the pattern's result): when every node is a cpu node not yet fused, rewrite(that last node, found) turns it
// into the fused op (noted as `note` in its precision note) and the others are dropped. True when any was fused.
template <typename Match>
bool fuse_matches(IrModel& model, const Match& m, const std::string& note,
                  const std::function<void(IrNode&, const typename Match::Found&)>& rewrite) {
  IrGraph& g = model.main();
  std::vector<bool> removed(g.nodes.size(), false);
  bool fused = false;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const auto f = m.match(static_cast<int>(k));
    if (!f || !m.all_cpu_and_kept(f->nodes, removed)) continue;
    // The last node is after all the others, and only they read the intermediates: x and the constants are
    // defined before it.
    IrNode& out = g.nodes[f->nodes.back()];
    out.attrs = AttrMap();
    rewrite(out, *f);
    out.precision_note += std::string(out.precision_note.empty() ? "" : "; ") + note;
    for (size_t i = 0; i + 1 < f->nodes.size(); ++i) removed[f->nodes[i]] = true;
    fused = true;
  }
  if (fused) erase_nodes(g, removed);
  return fused;
}

}  // namespace qedge::conv
