// Static shape inference: runs each kernel's prepare on known input shapes (and constant values) to learn
// output dtypes and shapes before anything executes. Outputs whose shape depends on non-constant values stay
// dynamic. Unknown operators and errors are collected for every node, not just the first.
#include "passes/node_eval.h"
#include "passes/pass.h"

namespace qedge::conv {
namespace {

std::string op_description(const IrNode& n) {
  return "node '" + n.name + "': operator " + n.op_type + " (domain '" + (n.domain.empty() ? "ai.onnx" : n.domain) +
         "', opset " + std::to_string(n.opset) + ") is not supported";
}

}  // namespace

Status infer_shapes(IrModel& model, PassContext& ctx) {
  for (size_t g = 0; g < model.graphs.size(); ++g) {
    for (const IrNode& n : model.graphs[g].nodes) {
      NodeEval eval(model, n, *ctx.registry);
      if (!eval.has_kernel()) {
        ctx.problems.push_back(Unsupported(op_description(n)));
        continue;
      }
      // Subgraph bodies run with runtime shapes; only the main graph is inferred statically.
      if (g != 0 || !eval.inputs_known()) continue;
      bool all_known = true;
      for (int o : n.outputs) all_known &= o < 0 || model.tensors[o].shape_known;
      if (all_known) continue;
      Status s = eval.prepare();
      if (s.code() == StatusCode::kNeedsValues) continue;
      if (!s.ok()) {
        ctx.problems.push_back(s.with_context(node_context(n)));
        continue;
      }
      for (size_t i = 0; i < n.outputs.size(); ++i) {
        if (n.outputs[i] < 0) continue;
        IrTensor& t = model.tensors[n.outputs[i]];
        t.dtype = eval.outputs()[i].dtype;
        t.shape = eval.outputs()[i].shape;
        t.shape_known = true;
        ctx.changed = true;
      }
    }
  }
  return Status::Ok();
}

}  // namespace qedge::conv
