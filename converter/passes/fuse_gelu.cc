// GELU fusion: the erf form that torch.onnx exports before opset 20,
//   y = x * (Erf(x / sqrt 2) + 1) * 0.5   (Div, Erf, Add, Mul, Mul; the 0.5 may also come first: (x * 0.5) * (...)),
// becomes one Gelu (approximate "none"): one pass in a kernel with an erfc-based normal CDF instead of five ops,
// and no cancellation in 1 + erf for negative x. Fuses only when the constants are those values (to float
// precision), every intermediate is read by the pattern alone and is not a graph output, and every node prefers the
// cpu backend (whose kernels run Gelu).
#include <cmath>

#include "passes/pass.h"
#include "passes/pattern_match.h"

namespace qedge::conv {
namespace {

// Gelu entered the default domain in opset 20.
constexpr int kGeluOpset = 20;

class GeluMatch : public PatternMatch {
 public:
  using PatternMatch::PatternMatch;

  // The pattern starting at Div node k: its nodes (the one writing y last) and x.
  struct Found {
    std::vector<int> nodes;
    int x = -1;
  };
  std::optional<Found> match(int k) const {
    Found f;
    f.nodes = {k};
    std::vector<int>* nodes = &f.nodes;
    const IrNode& div = node(k);
    if (!is_op(div, "Div") || div.inputs.size() != 2 || div.outputs.size() != 1 || div.outputs[0] < 0) {
      return std::nullopt;
    }
    f.x = div.inputs[0];
    if (f.x < 0 || tensor(f.x).dtype != DType::kFloat32 || !is(div.inputs[1], std::sqrt(2.0))) return std::nullopt;
    const auto erf = sole_reader(div.outputs[0], "Erf", 0, nodes);
    if (!erf) return std::nullopt;
    const auto add = sole_reader(node(*erf).outputs[0], "Add", -1, nodes);
    if (!add || !is(other_input(node(*add), node(*erf).outputs[0]), 1.0)) return std::nullopt;
    const int one_plus_erf = node(*add).outputs[0];
    // (x * (1 + erf)) * 0.5
    const auto mul = sole_reader(one_plus_erf, "Mul", -1, nodes);
    if (!mul) return std::nullopt;
    const int other = other_input(node(*mul), one_plus_erf);
    if (other == f.x) {
      const auto half = sole_reader(node(*mul).outputs[0], "Mul", -1, nodes);
      if (!half || !is(other_input(node(*half), node(*mul).outputs[0]), 0.5)) return std::nullopt;
      return f;
    }
    // (x * 0.5) * (1 + erf): the half product is read by that Mul alone.
    const auto half = writer(other);
    if (!half || !is_op(node(*half), "Mul") || node(*half).inputs.size() != 2 || uses(other) != 1) return std::nullopt;
    const IrNode& h = node(*half);
    if (!(h.inputs[0] == f.x && is(h.inputs[1], 0.5)) && !(h.inputs[1] == f.x && is(h.inputs[0], 0.5))) {
      return std::nullopt;
    }
    // The last node writes y; the half product goes with the others to be removed.
    f.nodes.insert(f.nodes.end() - 1, *half);
    return f;
  }

 private:
  // Tensor t is a one-element constant equal to v in float.
  bool is(int t, double v) const {
    const auto c = scalar_value(t);
    return c && static_cast<float>(*c) == static_cast<float>(v);
  }
};

}  // namespace

Status fuse_gelu(IrModel& model, PassContext& ctx) {
  const GeluMatch match(model);
  ctx.changed |= fuse_matches<GeluMatch>(model, match, "fused decomposed Gelu",
                                         [](IrNode& out, const GeluMatch::Found& f) {
                                           out.op_type = "Gelu";
                                           out.opset = kGeluOpset;
                                           out.inputs = {f.x};
                                         });
  return Status::Ok();
}

}  // namespace qedge::conv
