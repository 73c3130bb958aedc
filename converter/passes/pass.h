// The pass interface and the state passes share.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::conv {

struct PassContext {
  const KernelRegistry* registry = nullptr;
  // Problems found by passes that keep going so that a user sees all of them at once.
  std::vector<Status> problems;
  // Set by a pass that changed the graph (fixpoint passes loop on it).
  bool changed = false;
};

using PassFn = Status (*)(IrModel& model, PassContext& ctx);

struct Pass {
  const char* name;
  PassFn run;
};

// The passes, one file each.
Status canonicalize(IrModel& model, PassContext& ctx);
Status infer_shapes(IrModel& model, PassContext& ctx);
Status fold_constants(IrModel& model, PassContext& ctx);
Status lower_integer(IrModel& model, PassContext& ctx);
Status fold_batchnorm(IrModel& model, PassContext& ctx);
Status eliminate_transposes(IrModel& model, PassContext& ctx);
Status fuse_activations(IrModel& model, PassContext& ctx);
Status fuse_layer_norm(IrModel& model, PassContext& ctx);
Status fuse_gelu(IrModel& model, PassContext& ctx);
Status fuse_matmul_bias(IrModel& model, PassContext& ctx);
Status layout_nhwc(IrModel& model, PassContext& ctx);
Status remove_dead_nodes(IrModel& model, PassContext& ctx);
Status plan_memory(IrModel& model, PassContext& ctx);

// The ai.onnx ops whose output plan_memory lets overwrite a same-shape input that dies at the node: their cpu
// kernels compute output element i from input element i alone (other inputs broadcast from their own buffers). A
// kernel registered for one of these ops on the cpu backend must keep that property.
const std::set<std::string>& in_place_ops();

// Runs the standard pipeline: canonicalize, then shape inference and constant folding to a fixpoint,
// transpose elimination, then dead-node removal and memory planning.
// With `integer`, quantized Conv/MatMul/Gemm are lowered to integer ops (lower_integer) before dead-node removal;
// then BatchNormalization folds into a float Conv/Gemm/MatMul (fold_batchnorm), decomposed LayerNorms and erf
// GELUs become LayerNormalization and Gelu (fuse_layer_norm, fuse_gelu), MatMuls followed by a bias Add become Gemms
// (fuse_matmul_bias), activations fold into the float Conv/Gemm/MatMul before them (fuse_activations), and regions
// of float convolutions go channels-last (layout_nhwc, then transpose elimination again for the transposes at their
// edges). Nodes' `backend` must be set before (fusion, layout and in-place execution apply to cpu nodes only).
Status run_standard_passes(IrModel& model, const KernelRegistry& registry, bool integer = true);

}  // namespace qedge::conv
