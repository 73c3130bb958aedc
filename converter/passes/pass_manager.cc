#include "passes/pass.h"

namespace qedge::conv {
namespace {

// Each folded node can make more shapes static and more nodes foldable; a chain
// Shape -> Gather -> Concat -> Reshape needs several rounds.
constexpr int kMaxFixpointRounds = 64;

Status collected_problems(const PassContext& ctx) {
  if (ctx.problems.empty()) return Status::Ok();
  StatusCode code = StatusCode::kUnsupported;
  for (const Status& s : ctx.problems) {
    if (s.code() != StatusCode::kUnsupported) code = s.code();
  }
  std::string msg = std::to_string(ctx.problems.size()) + " problem(s) found:";
  for (const Status& s : ctx.problems) msg += "\n  " + s.message();
  return Status(code, msg);
}

}  // namespace

Status run_standard_passes(IrModel& model, const KernelRegistry& registry, bool integer) {
  PassContext ctx;
  ctx.registry = &registry;
  QEDGE_RETURN_IF_ERROR(canonicalize(model, ctx));
  for (int round = 0; round < kMaxFixpointRounds; ++round) {
    ctx.changed = false;
    ctx.problems.clear();
    QEDGE_RETURN_IF_ERROR(infer_shapes(model, ctx));
    if (!ctx.problems.empty()) return collected_problems(ctx);
    QEDGE_RETURN_IF_ERROR(fold_constants(model, ctx));
    if (!ctx.changed) break;
  }
  QEDGE_RETURN_IF_ERROR(eliminate_transposes(model, ctx));
  if (integer) {
    QEDGE_RETURN_IF_ERROR(lower_integer(model, ctx));
    // The lowered nodes go through their kernels' shape checks like any other node.
    ctx.problems.clear();
    QEDGE_RETURN_IF_ERROR(infer_shapes(model, ctx));
    if (!ctx.problems.empty()) return collected_problems(ctx);
  }
  QEDGE_RETURN_IF_ERROR(fold_batchnorm(model, ctx));
  QEDGE_RETURN_IF_ERROR(fuse_layer_norm(model, ctx));
  QEDGE_RETURN_IF_ERROR(fuse_gelu(model, ctx));
  QEDGE_RETURN_IF_ERROR(fuse_matmul_bias(model, ctx));
  QEDGE_RETURN_IF_ERROR(fuse_activations(model, ctx));
  QEDGE_RETURN_IF_ERROR(layout_nhwc(model, ctx));
  QEDGE_RETURN_IF_ERROR(eliminate_transposes(model, ctx));
  // The fused nodes must have kernels like any other node.
  ctx.problems.clear();
  QEDGE_RETURN_IF_ERROR(infer_shapes(model, ctx));
  if (!ctx.problems.empty()) return collected_problems(ctx);
  QEDGE_RETURN_IF_ERROR(remove_dead_nodes(model, ctx));
  return plan_memory(model, ctx);
}

}  // namespace qedge::conv
