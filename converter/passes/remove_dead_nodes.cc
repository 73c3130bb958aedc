// Dead-node removal: drops nodes none of whose outputs reach a graph output (directly or through
// subgraphs that read outer values).
#include <vector>

#include "passes/pass.h"

namespace qedge::conv {
namespace {

void mark_graph_uses(const IrModel& model, int graph, std::vector<bool>* used);

void mark_node_uses(const IrModel& model, const IrNode& n, std::vector<bool>* used) {
  for (int i : n.inputs) {
    if (i >= 0) (*used)[i] = true;
  }
  for (const Attr& a : n.attrs.all()) {
    if (a.kind == AttrKind::kGraph) mark_graph_uses(model, a.graph, used);
  }
}

// Subgraph bodies are kept whole; every value they read is used.
void mark_graph_uses(const IrModel& model, int graph, std::vector<bool>* used) {
  const IrGraph& g = model.graphs[graph];
  for (int o : g.outputs) (*used)[o] = true;
  for (const IrNode& n : g.nodes) mark_node_uses(model, n, used);
}

}  // namespace

Status remove_dead_nodes(IrModel& model, PassContext& ctx) {
  IrGraph& main = model.main();
  std::vector<bool> used(model.tensors.size(), false);
  for (int o : main.outputs) used[o] = true;
  // Walk backwards so a node's inputs are marked only if the node itself is live.
  std::vector<bool> live(main.nodes.size(), false);
  for (size_t k = main.nodes.size(); k-- > 0;) {
    const IrNode& n = main.nodes[k];
    bool any = false;
    for (int o : n.outputs) any |= o >= 0 && used[o];
    if (!any) continue;
    live[k] = true;
    mark_node_uses(model, n, &used);
  }
  std::vector<IrNode> kept;
  for (size_t k = 0; k < main.nodes.size(); ++k) {
    if (live[k]) {
      kept.push_back(std::move(main.nodes[k]));
    } else {
      ctx.changed = true;
    }
  }
  main.nodes = std::move(kept);
  return Status::Ok();
}

}  // namespace qedge::conv
