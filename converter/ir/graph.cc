#include "ir/graph.h"

namespace qedge::conv {

std::string node_context(const IrNode& n) {
  std::string op = n.domain.empty() ? n.op_type : n.domain + "." + n.op_type;
  return "node '" + n.name + "' (" + op + "): ";
}

int use_count(const IrModel& model, int t) {
  int uses = 0;
  for (const IrGraph& g : model.graphs) {
    for (const IrNode& n : g.nodes) {
      for (int i : n.inputs) uses += i == t;
    }
    for (int o : g.outputs) uses += o == t;
  }
  return uses;
}

void erase_nodes(IrGraph& g, const std::vector<bool>& removed) {
  std::vector<IrNode> kept;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(g.nodes[k]));
  }
  g.nodes = std::move(kept);
}

int fold_into_producers(IrModel& model, const std::function<bool(const IrNode&)>& accepts,
                        const std::function<bool(IrNode&, const IrNode&)>& fold) {
  IrGraph& g = model.main();
  std::vector<bool> removed(g.nodes.size(), false);
  int dropped = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const IrNode& c = g.nodes[k];
    if (c.inputs.empty() || c.inputs[0] < 0 || !accepts(c)) continue;
    for (size_t j = 0; j < k; ++j) {
      IrNode& p = g.nodes[j];
      // A dropped node still names the output its producer took over.
      if (removed[j] || p.outputs.empty() || p.outputs[0] != c.inputs[0]) continue;
      if (fold(p, c)) {
        removed[k] = true;
        ++dropped;
      }
      break;
    }
  }
  erase_nodes(g, removed);
  return dropped;
}

}  // namespace qedge::conv
