// Activation fusion: a float Conv, Gemm or MatMul followed by Relu, Clip (constant bounds, e.g. Relu6), HardSwish,
// Sigmoid or LeakyRelu becomes one qedge.FusedConv / FusedGemm / FusedMatMul whose `activation` attribute (and
// `activation_params`) names the activation, applied in the kernel's output loop instead of another pass over memory.
// A new op rather than an attribute on the ONNX op, so that no backend can run the node while ignoring the activation.
// Fuses only when the producer's output has no other reader and is not a graph output, and only nodes that prefer
// the cpu backend (the one whose kernels implement the fused ops).
#include <limits>

#include "passes/int_lowering.h"
#include "passes/pass.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

bool is_producer(const IrNode& n) {
  return n.domain.empty() && (n.op_type == "Conv" || n.op_type == "Gemm" || n.op_type == "MatMul");
}

bool is_activation(const IrNode& n) {
  return n.domain.empty() && (n.op_type == "Relu" || n.op_type == "Clip" || n.op_type == "HardSwish" ||
                              n.op_type == "Sigmoid" || n.op_type == "LeakyRelu");
}

// The constant scalar float input i of `n`, `def` when the input is omitted; nullopt when it is not a constant.
std::optional<float> scalar_input(const IrModel& model, const IrNode& n, size_t i, float def) {
  if (i >= n.inputs.size() || n.inputs[i] < 0) return def;
  const auto v = constant_values(model, n.inputs[i]);
  if (!v || v->size() != 1) return std::nullopt;
  return static_cast<float>((*v)[0]);
}

// The activation's `activation_params`; false when the activation cannot be fused (Clip with non-constant bounds).
bool activation_params(const IrModel& model, const IrNode& act, std::vector<float>* params) {
  if (act.op_type == "LeakyRelu") {
    params->push_back(act.attrs.get_float("alpha", 0.01f));
  } else if (act.op_type == "Clip") {
    // Absent bounds are the float limits, as the Clip kernel takes them.
    const float lowest = std::numeric_limits<float>::lowest(), highest = std::numeric_limits<float>::max();
    if (act.opset < 11) {
      params->push_back(act.attrs.get_float("min", lowest));
      params->push_back(act.attrs.get_float("max", highest));
      return true;
    }
    const auto lo = scalar_input(model, act, 1, lowest);
    const auto hi = scalar_input(model, act, 2, highest);
    if (!lo || !hi) return false;
    params->push_back(*lo);
    params->push_back(*hi);
  }
  return true;
}

// Fuses `act` into its producer `p` when both qualify; true when it did.
bool fuse(IrModel& model, IrNode& p, const IrNode& act) {
  const int y = p.outputs.empty() ? -1 : p.outputs[0];
  if (y < 0 || act.inputs.empty() || act.inputs[0] != y || act.outputs.empty() || act.outputs[0] < 0) return false;
  if (p.backend != "cpu" || act.backend != "cpu" || model.tensors[y].dtype != DType::kFloat32 ||
      use_count(model, y) != 1) {
    return false;
  }
  std::vector<float> params;
  if (!activation_params(model, act, &params)) return false;
  p.precision_note += std::string(p.precision_note.empty() ? "" : "; ") + "fused " + act.op_type;
  p.domain = kQedgeDomain;
  p.op_type = "Fused" + p.op_type;
  p.attrs.set(string_attr("activation", act.op_type));
  if (!params.empty()) p.attrs.set(floats_attr("activation_params", params));
  p.outputs[0] = act.outputs[0];
  return true;
}

}  // namespace

Status fuse_activations(IrModel& model, PassContext& ctx) {
  const int fused = fold_into_producers(model, is_activation, [&](IrNode& p, const IrNode& act) {
    return is_producer(p) && fuse(model, p, act);
  });
  ctx.changed |= fused > 0;
  return Status::Ok();
}

}  // namespace qedge::conv
