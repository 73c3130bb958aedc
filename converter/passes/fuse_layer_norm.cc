// LayerNorm fusion: the decomposed layer normalization that torch.onnx exports before opset 17,
//   m = ReduceMean(x, last axis); d = x - m; v = ReduceMean(Pow(d, 2), last axis);
//   y = d / Sqrt(v + eps) * gamma + beta,
// becomes one LayerNormalization (axis -1, epsilon eps): one pass over each row in a kernel instead of nine ops and
// their intermediate tensors. Fuses only when eps, gamma and beta are constants (gamma and beta of rank <= 1, as
// LayerNormalization's scale and bias over the last axis), every intermediate is read by the pattern alone and is not
// a graph output, and every node prefers the cpu backend (whose kernels run LayerNormalization).
#include "passes/pass.h"
#include "passes/pattern_match.h"

namespace qedge::conv {
namespace {

// LayerNormalization entered the default domain in opset 17.
constexpr int kLayerNormOpset = 17;

class LayerNormMatch : public PatternMatch {
 public:
  using PatternMatch::PatternMatch;

  // The pattern starting at ReduceMean node k: its nodes (the final Add last), x, gamma, beta and eps.
  struct Found {
    std::vector<int> nodes;
    int x = -1, gamma = -1, beta = -1;
    float eps = 0.0f;
  };
  std::optional<Found> match(int k) const {
    Found f;
    f.nodes = {k};
    std::vector<int>* nodes = &f.nodes;
    const IrNode& mean = node(k);
    if (!is_op(mean, "ReduceMean") || mean.inputs.empty() || mean.outputs.size() != 1) return std::nullopt;
    f.x = mean.inputs[0];
    if (f.x < 0 || tensor(f.x).dtype != DType::kFloat32 || !tensor(f.x).shape_known || tensor(f.x).shape.empty() ||
        !reduces_last_axis(mean, f.x)) {
      return std::nullopt;
    }
    // d = x - m, read by the Pow and the Div alone.
    const auto sub = sole_reader(mean.outputs[0], "Sub", 1, nodes);
    if (!sub || node(*sub).inputs[0] != f.x) return std::nullopt;
    const int d = node(*sub).outputs[0];
    if (uses(d) != 2) return std::nullopt;
    // v = ReduceMean(d ^ 2)
    const auto pow = reader(d, "Pow", 0, nodes);
    if (!pow || scalar_value(node(*pow).inputs[1]) != 2.0) return std::nullopt;
    const auto var = sole_reader(node(*pow).outputs[0], "ReduceMean", 0, nodes);
    if (!var || !reduces_last_axis(node(*var), node(*pow).outputs[0])) return std::nullopt;
    // d / Sqrt(v + eps)
    const auto add_eps = sole_reader(node(*var).outputs[0], "Add", -1, nodes);
    if (!add_eps) return std::nullopt;
    const auto eps = scalar_value(other_input(node(*add_eps), node(*var).outputs[0]));
    const auto sqrt = sole_reader(node(*add_eps).outputs[0], "Sqrt", 0, nodes);
    if (!eps || !sqrt) return std::nullopt;
    f.eps = static_cast<float>(*eps);
    const auto div = sole_reader(node(*sqrt).outputs[0], "Div", 1, nodes);
    if (!div || node(*div).inputs[0] != d) return std::nullopt;
    // * gamma + beta
    const auto mul = sole_reader(node(*div).outputs[0], "Mul", -1, nodes);
    if (!mul) return std::nullopt;
    f.gamma = other_input(node(*mul), node(*div).outputs[0]);
    const auto add_beta = sole_reader(node(*mul).outputs[0], "Add", -1, nodes);
    if (!add_beta) return std::nullopt;
    f.beta = other_input(node(*add_beta), node(*mul).outputs[0]);
    const int64_t len = tensor(f.x).shape.back();
    if (!row_param(f.gamma, len) || !row_param(f.beta, len)) return std::nullopt;
    return f;
  }

 private:
  // ReduceMean n over the last axis of tensor t only, keeping the reduced dim (axes as attribute, or as input 1 from
  // opset 18).
  bool reduces_last_axis(const IrNode& n, int t) const {
    if (n.attrs.get_int("keepdims", 1) != 1 || !tensor(t).shape_known) return false;
    std::vector<int64_t> axes = n.attrs.get_ints("axes");
    if (n.inputs.size() > 1 && n.inputs[1] >= 0) {
      const auto v = constant_values(model(), n.inputs[1]);
      if (!v || n.attrs.has("axes")) return false;
      axes.assign(v->begin(), v->end());
    }
    const int64_t rank = static_cast<int64_t>(tensor(t).shape.size());
    return axes.size() == 1 && (axes[0] == -1 || axes[0] == rank - 1);
  }

  // A float32 constant that LayerNormalization takes as scale or bias over rows of `len`: rank <= 1, 1 or len values.
  bool row_param(int t, int64_t len) const {
    if (t < 0) return false;
    const IrTensor& p = tensor(t);
    if (!p.is_constant || p.dtype != DType::kFloat32 || p.shape.size() > 1) return false;
    const int64_t n = num_elements(p.shape);
    return n == 1 || n == len;
  }
};

}  // namespace

Status fuse_layer_norm(IrModel& model, PassContext& ctx) {
  const LayerNormMatch match(model);
  ctx.changed |= fuse_matches<LayerNormMatch>(model, match, "fused decomposed LayerNorm",
                                              [](IrNode& out, const LayerNormMatch::Found& f) {
                                                out.op_type = "LayerNormalization";
                                                out.opset = kLayerNormOpset;
                                                out.inputs = {f.x, f.gamma, f.beta};
                                                out.attrs.set(int_attr("axis", -1));
                                                out.attrs.set(float_attr("epsilon", f.eps));
                                              });
  return Status::Ok();
}

}  // namespace qedge::conv
