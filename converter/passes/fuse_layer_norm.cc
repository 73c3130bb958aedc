// LayerNorm fusion: the decomposed layer normalization that torch.onnx exports before opset 17,
//   m = ReduceMean(x, last axis); d = x - m; v = ReduceMean(Pow(d, 2), last axis);
//   y = d / Sqrt(v + eps) * gamma + beta,
// becomes one LayerNormalization (axis -1, epsilon eps): one pass over each row in a kernel instead of nine ops and
// their intermediate tensors. Fuses only when eps, gamma and beta are constants (gamma and beta of rank <= 1, as
// LayerNormalization's scale and bias over the last axis), every intermediate is read by the pattern alone and is not
// a graph output, and every node prefers the cpu backend (whose kernels run LayerNormalization).
#include <map>
#include <optional>

#include "passes/pass.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

// LayerNormalization entered the default domain in opset 17.
constexpr int kLayerNormOpset = 17;

class LayerNormMatcher {
 public:
  explicit LayerNormMatcher(IrModel& model) : model_(model), g_(model.main()) {
    for (size_t k = 0; k < g_.nodes.size(); ++k) {
      for (int t : g_.nodes[k].inputs) {
        if (t >= 0) readers_[t].push_back(static_cast<int>(k));
      }
    }
  }

  // Rewrites the pattern starting at ReduceMean node k into one LayerNormalization (at the position of its final
  // Add, after which nothing reads the intermediates); marks the other nodes in `removed`. True when it did.
  bool fuse_from(int k, std::vector<bool>* removed) {
    const IrNode& mean = g_.nodes[k];
    if (!is_op(mean, "ReduceMean") || mean.inputs.empty() || mean.outputs.size() != 1) return false;
    const int x = mean.inputs[0];
    if (x < 0 || model_.tensors[x].dtype != DType::kFloat32 || !model_.tensors[x].shape_known ||
        model_.tensors[x].shape.empty() || !reduces_last_axis(mean, x)) {
      return false;
    }
    std::vector<int> nodes{k};
    // d = x - m
    const auto sub = sole_reader(mean.outputs[0], "Sub", 1, &nodes);
    if (!sub || g_.nodes[*sub].inputs[0] != x || readers(g_.nodes[*sub].outputs[0]) != 2) return false;
    const int d = g_.nodes[*sub].outputs[0];
    // v = ReduceMean(d ^ 2)
    const auto pow = reader_of(d, "Pow", 0, &nodes);
    if (!pow || scalar_value(g_.nodes[*pow].inputs[1]) != 2.0) return false;
    const auto var = sole_reader(g_.nodes[*pow].outputs[0], "ReduceMean", 0, &nodes);
    if (!var || !reduces_last_axis(g_.nodes[*var], g_.nodes[*pow].outputs[0])) return false;
    // Sqrt(v + eps)
    const auto add_eps = sole_reader(g_.nodes[*var].outputs[0], "Add", -1, &nodes);
    if (!add_eps) return false;
    const auto eps = scalar_value(other_input(g_.nodes[*add_eps], g_.nodes[*var].outputs[0]));
    if (!eps) return false;
    const auto sqrt = sole_reader(g_.nodes[*add_eps].outputs[0], "Sqrt", 0, &nodes);
    if (!sqrt) return false;
    // d / Sqrt(...): the Sub's other reader.
    const auto div = sole_reader(g_.nodes[*sqrt].outputs[0], "Div", 1, &nodes);
    if (!div || g_.nodes[*div].inputs[0] != d) return false;
    // * gamma + beta
    const auto mul = sole_reader(g_.nodes[*div].outputs[0], "Mul", -1, &nodes);
    if (!mul) return false;
    const int gamma = other_input(g_.nodes[*mul], g_.nodes[*div].outputs[0]);
    const auto add_beta = sole_reader(g_.nodes[*mul].outputs[0], "Add", -1, &nodes);
    if (!add_beta) return false;
    const int beta = other_input(g_.nodes[*add_beta], g_.nodes[*mul].outputs[0]);
    const int64_t len = model_.tensors[x].shape.back();
    if (!row_param(gamma, len) || !row_param(beta, len)) return false;
    for (int n : nodes) {
      if (g_.nodes[n].backend != "cpu" || (*removed)[n]) return false;
    }

    IrNode& out = g_.nodes[*add_beta];
    out.op_type = "LayerNormalization";
    out.opset = kLayerNormOpset;
    out.inputs = {x, gamma, beta};
    out.attrs = AttrMap();
    out.attrs.set(int_attr("axis", -1));
    out.attrs.set(float_attr("epsilon", static_cast<float>(*eps)));
    out.precision_note += std::string(out.precision_note.empty() ? "" : "; ") + "fused decomposed LayerNorm";
    for (int n : nodes) {
      if (n != *add_beta) (*removed)[n] = true;
    }
    return true;
  }

 private:
  static bool is_op(const IrNode& n, const char* op) { return n.domain.empty() && n.op_type == op; }

  // Readers of tensor t in the main graph plus its other uses (graph outputs, subgraph reads).
  int readers(int t) const { return use_count(model_, t); }

  // The node reading t (among its readers) of type `op` with t as input `slot` (-1: either of two inputs), appended
  // to `nodes`; nullopt when there is none.
  std::optional<int> reader_of(int t, const char* op, int slot, std::vector<int>* nodes) const {
    const auto it = readers_.find(t);
    if (it == readers_.end()) return std::nullopt;
    for (int r : it->second) {
      const IrNode& n = g_.nodes[r];
      if (!is_op(n, op) || n.inputs.size() != 2 || n.outputs.size() != 1 || n.outputs[0] < 0) continue;
      const bool at_slot = slot < 0 ? (n.inputs[0] == t) != (n.inputs[1] == t) : n.inputs[slot] == t;
      if (!at_slot) continue;
      nodes->push_back(r);
      return r;
    }
    return std::nullopt;
  }

  // As reader_of, for a t that has no other use at all.
  std::optional<int> sole_reader(int t, const char* op, int slot, std::vector<int>* nodes) const {
    if (readers(t) != 1) return std::nullopt;
    if (std::string(op) == "ReduceMean" || std::string(op) == "Sqrt") return unary_reader(t, op, nodes);
    return reader_of(t, op, slot, nodes);
  }

  // The one-input reader of t (ReduceMean with its axes as attribute or input 1, Sqrt).
  std::optional<int> unary_reader(int t, const char* op, std::vector<int>* nodes) const {
    const auto it = readers_.find(t);
    if (it == readers_.end() || it->second.size() != 1) return std::nullopt;
    const IrNode& n = g_.nodes[it->second[0]];
    if (!is_op(n, op) || n.inputs.empty() || n.inputs[0] != t || n.outputs.size() != 1 || n.outputs[0] < 0) {
      return std::nullopt;
    }
    nodes->push_back(it->second[0]);
    return it->second[0];
  }

  // The input of the two-input node n that is not t.
  static int other_input(const IrNode& n, int t) { return n.inputs[0] == t ? n.inputs[1] : n.inputs[0]; }

  // The value of the one-element constant tensor t.
  std::optional<double> scalar_value(int t) const {
    const auto v = constant_values(model_, t);
    if (!v || v->size() != 1) return std::nullopt;
    return (*v)[0];
  }

  // ReduceMean n over the last axis of tensor t only, keeping the reduced dim.
  bool reduces_last_axis(const IrNode& n, int t) const {
    if (n.attrs.get_int("keepdims", 1) != 1 || !model_.tensors[t].shape_known) return false;
    std::vector<int64_t> axes = n.attrs.get_ints("axes");
    if (n.inputs.size() > 1 && n.inputs[1] >= 0) {
      const auto v = constant_values(model_, n.inputs[1]);
      if (!v || n.attrs.has("axes")) return false;
      axes.assign(v->begin(), v->end());
    }
    const int64_t rank = static_cast<int64_t>(model_.tensors[t].shape.size());
    return axes.size() == 1 && (axes[0] == -1 || axes[0] == rank - 1);
  }

  // A float32 constant that LayerNormalization takes as scale or bias over rows of `len`: rank <= 1, 1 or len values.
  bool row_param(int t, int64_t len) const {
    if (t < 0) return false;
    const IrTensor& p = model_.tensors[t];
    if (!p.is_constant || p.dtype != DType::kFloat32 || p.shape.size() > 1) return false;
    const int64_t n = num_elements(p.shape);
    return n == 1 || n == len;
  }

  IrModel& model_;
  IrGraph& g_;
  std::map<int, std::vector<int>> readers_;
};

}  // namespace

Status fuse_layer_norm(IrModel& model, PassContext& ctx) {
  LayerNormMatcher matcher(model);
  std::vector<bool> removed(model.main().nodes.size(), false);
  bool fused = false;
  for (size_t k = 0; k < model.main().nodes.size(); ++k) {
    if (!removed[k]) fused |= matcher.fuse_from(static_cast<int>(k), &removed);
  }
  if (fused) erase_nodes(model.main(), removed);
  ctx.changed |= fused;
  return Status::Ok();
}

}  // namespace qedge::conv
