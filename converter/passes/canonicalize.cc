// Canonicalize: removes nodes that only forward a value, so later passes and kernels see fewer forms.
//  - Identity, and inference-mode Dropout whose mask nobody reads, are dropped and their consumers read the
//    input directly (a graph output keeps its node, since the output needs its own name).
// Constant nodes need no rewrite here: constant folding evaluates them like any other node.
#include <map>

#include "passes/pass.h"

namespace qedge::conv {
namespace {

bool is_forwarding(const IrModel& m, const IrNode& n, const std::vector<bool>& graph_output) {
  if (!n.domain.empty() || n.inputs.empty() || n.inputs[0] < 0 || n.outputs.empty() || n.outputs[0] < 0) return false;
  if (graph_output[n.outputs[0]]) return false;
  if (n.op_type == "Identity") return n.inputs.size() == 1;
  if (n.op_type != "Dropout") return false;
  if (n.outputs.size() > 1 && n.outputs[1] >= 0) return false;  // mask requested
  if (n.inputs.size() > 2 && n.inputs[2] >= 0) {
    const IrTensor& training = m.tensors[n.inputs[2]];
    return training.is_constant && !training.value.bytes.empty() && training.value.bytes[0] == 0;
  }
  return true;
}

void mark_outputs(const IrModel& m, std::vector<bool>* graph_output) {
  for (const IrGraph& g : m.graphs) {
    for (int o : g.outputs) (*graph_output)[o] = true;
  }
}

int resolve(const std::map<int, int>& forward, int t) {
  for (auto it = forward.find(t); it != forward.end(); it = forward.find(t)) t = it->second;
  return t;
}

}  // namespace

Status canonicalize(IrModel& model, PassContext& ctx) {
  std::vector<bool> graph_output(model.tensors.size(), false);
  mark_outputs(model, &graph_output);
  std::map<int, int> forward;  // removed output -> the value it forwarded
  for (IrGraph& g : model.graphs) {
    std::vector<IrNode> kept;
    for (IrNode& n : g.nodes) {
      if (is_forwarding(model, n, graph_output)) {
        forward[n.outputs[0]] = n.inputs[0];
        ctx.changed = true;
        continue;
      }
      kept.push_back(std::move(n));
    }
    g.nodes = std::move(kept);
  }
  if (forward.empty()) return Status::Ok();
  for (IrGraph& g : model.graphs) {
    for (IrNode& n : g.nodes) {
      for (int& i : n.inputs) {
        if (i >= 0) i = resolve(forward, i);
      }
    }
  }
  return Status::Ok();
}

}  // namespace qedge::conv
