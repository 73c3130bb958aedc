// Constant folding: a node whose inputs are all constants is evaluated now with the reference kernel and
// replaced by its outputs. Shape and Size fold as soon as their input's shape is known.
// Nodes that would blow small inputs up into large outputs (ConstantOfShape, Expand, Tile of big shapes)
// stay in the graph so the file stays small.
#include <algorithm>
#include <cstring>

#include "passes/node_eval.h"
#include "passes/pass.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

constexpr size_t kMaxFoldedBytes = 1 << 20;  // outputs above this only fold if no bigger than their inputs

bool is_shape_only_op(const IrNode& n) { return n.domain.empty() && (n.op_type == "Shape" || n.op_type == "Size"); }

bool has_subgraph(const IrNode& n) {
  for (const Attr& a : n.attrs.all()) {
    if (a.kind == AttrKind::kGraph) return true;
  }
  return false;
}

// A DequantizeLinear of a weight that only Conv/MatMul/Gemm read: folded whatever its size, because the integer
// lowering stores it back as integers (and left in the graph it would dequantize on every run).
bool is_weight_dequantizer(const IrGraph& graph, const IrNode& n) {
  if (!n.domain.empty() || n.op_type != "DequantizeLinear" || n.outputs.empty() || n.outputs[0] < 0) return false;
  bool read = false;
  for (const IrNode& c : graph.nodes) {
    if (std::find(c.inputs.begin(), c.inputs.end(), n.outputs[0]) == c.inputs.end()) continue;
    read = true;
    if (!c.domain.empty() || (c.op_type != "Conv" && c.op_type != "MatMul" && c.op_type != "Gemm")) return false;
  }
  return read && std::find(graph.outputs.begin(), graph.outputs.end(), n.outputs[0]) == graph.outputs.end();
}

}  // namespace

Status fold_constants(IrModel& model, PassContext& ctx) {
  IrGraph& graph = model.main();
  std::vector<IrNode> kept;
  for (auto& n : graph.nodes) {
    NodeEval eval(model, n, *ctx.registry);
    bool foldable = eval.has_kernel() && eval.inputs_known() && !has_subgraph(n) &&
                    (eval.inputs_constant() || (is_shape_only_op(n) && n.inputs.size() == 1));
    if (foldable) {
      for (int o : n.outputs) foldable &= o >= 0 && model.tensors[o].shape_known;
    }
    if (!foldable) {
      kept.push_back(std::move(n));
      continue;
    }
    size_t in_bytes = 0, out_bytes = 0;
    for (int i : n.inputs) {
      if (i >= 0) in_bytes += model.tensors[i].value.bytes.size();
    }
    for (const Attr& a : n.attrs.all()) in_bytes += a.tensor.bytes.size();
    for (int o : n.outputs) out_bytes += dtype_storage_bytes(model.tensors[o].dtype, num_elements(model.tensors[o].shape));
    Status s = eval.prepare();
    if (s.ok() && out_bytes > kMaxFoldedBytes && out_bytes > in_bytes && !is_weight_dequantizer(graph, n)) {
      s = Unsupported("too large to fold");
    }
    if (s.ok()) s = eval.run();
    if (!s.ok()) {
      kept.push_back(std::move(n));
      continue;
    }
    for (size_t i = 0; i < n.outputs.size(); ++i) {
      IrTensor& t = model.tensors[n.outputs[i]];
      t.value = std::move(eval.output_data()[i]);
      t.dtype = t.value.dtype;
      t.shape = t.value.shape;
      t.is_constant = true;
    }
    annotate_folded_grid(model, n);
    ctx.changed = true;
  }
  graph.nodes = std::move(kept);
  return Status::Ok();
}

}  // namespace qedge::conv
