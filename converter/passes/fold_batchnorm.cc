// Folds an inference BatchNormalization into the float Conv that feeds it: W'[m] = W[m] * a[m] and
// B'[m] = (B[m] - mean[m]) * a[m] + beta[m] with a = gamma / sqrt(var + eps), so the normalization costs nothing at
// run time. Runs after the integer lowering (quantized convolutions fold BatchNorm into their epilogue there, and
// rescaling their weights here would take them off their quantization grid).
#include <cmath>
#include <cstring>

#include "passes/pass.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

int add_float_constant(IrModel& model, const std::string& name, const Dims& shape, const std::vector<double>& v) {
  IrTensor t;
  t.name = name;
  t.dtype = DType::kFloat32;
  t.shape = shape;
  t.shape_known = true;
  t.is_constant = true;
  t.value.dtype = DType::kFloat32;
  t.value.shape = shape;
  t.value.bytes.resize(v.size() * sizeof(float));
  for (size_t i = 0; i < v.size(); ++i) {
    const float f = static_cast<float>(v[i]);
    std::memcpy(t.value.bytes.data() + i * sizeof(float), &f, sizeof f);
  }
  return model.add_tensor(std::move(t));
}

// Folds main-graph node `bn` into its producer `conv` when both qualify; true when it did.
bool fold(IrModel& model, IrNode& conv, const IrNode& bn) {
  const int y = conv.outputs[0];
  if (bn.inputs.size() != 5 || bn.inputs[0] != y || use_count(model, y) != 1) return false;
  for (size_t o = 1; o < bn.outputs.size(); ++o) {
    if (bn.outputs[o] >= 0) return false;  // training-mode outputs are read
  }
  const int64_t maps = model.tensors[conv.inputs[1]].shape.empty() ? 0 : model.tensors[conv.inputs[1]].shape[0];
  std::vector<std::vector<double>> p;
  for (int i = 1; i < 5; ++i) {
    const auto v = constant_values(model, bn.inputs[i]);
    if (!v || static_cast<int64_t>(v->size()) != maps || model.tensors[bn.inputs[i]].shape.size() != 1) return false;
    p.push_back(*v);
  }
  const auto w = constant_values(model, conv.inputs[1]);
  const int bias = conv.inputs.size() > 2 ? conv.inputs[2] : -1;
  const auto b = bias >= 0 ? constant_values(model, bias) : std::optional<std::vector<double>>(std::vector<double>(maps, 0.0));
  if (!w || !b || static_cast<int64_t>(b->size()) != maps || model.tensors[conv.inputs[1]].dtype != DType::kFloat32) {
    return false;
  }
  const double eps = bn.attrs.get_float("epsilon", 1e-5f);
  const int64_t per_map = maps > 0 ? static_cast<int64_t>(w->size()) / maps : 0;
  std::vector<double> w2(*w), b2(maps);
  for (int64_t m = 0; m < maps; ++m) {
    const double a = p[0][m] / std::sqrt(p[3][m] + eps);
    for (int64_t j = 0; j < per_map; ++j) w2[m * per_map + j] *= a;
    b2[m] = ((*b)[m] - p[2][m]) * a + p[1][m];
  }
  const Dims wshape = model.tensors[conv.inputs[1]].shape;
  const std::string wname = model.tensors[conv.inputs[1]].name;
  const int nw = add_float_constant(model, wname + ".bn_folded", wshape, w2);
  const int nb = add_float_constant(model, bn.name + ".bias", Dims{maps}, b2);
  conv.inputs.resize(3);
  conv.inputs[1] = nw;
  conv.inputs[2] = nb;
  conv.outputs[0] = bn.outputs[0];
  conv.precision_note += std::string(conv.precision_note.empty() ? "" : "; ") + "fused BatchNormalization";
  return true;
}

}  // namespace

Status fold_batchnorm(IrModel& model, PassContext& ctx) {
  const int folded = fold_into_producers(
      model, [](const IrNode& n) { return n.domain.empty() && n.op_type == "BatchNormalization"; },
      [&](IrNode& conv, const IrNode& bn) {
        return conv.domain.empty() && conv.op_type == "Conv" && conv.inputs.size() >= 2 && conv.inputs[1] >= 0 &&
               fold(model, conv, bn);
      });
  ctx.changed |= folded > 0;
  return Status::Ok();
}

}  // namespace qedge::conv
