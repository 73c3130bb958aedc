// Folds an inference BatchNormalization into the float Conv, Gemm or MatMul that feeds it (the Gemm / MatMul form in
// fold_batchnorm_gemm.cc): for Conv W'[m] = W[m] * a[m] and B'[m] = (B[m] - mean[m]) * a[m] + beta[m] with
// a = gamma / sqrt(var + eps), so the normalization costs nothing at run time. Runs after the integer lowering
// (quantized convolutions and GEMMs fold BatchNorm into their epilogue there, and rescaling their weights here would
// take them off their quantization grid). The folded weights and bias are new constants: a weight another node also
// reads keeps its values.
#include "passes/fold_batchnorm.h"

#include <cmath>
#include <cstring>

#include "passes/pass.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

// Folds main-graph node `bn` into its producer `conv` when both qualify; true when it did.
bool fold_into_conv(IrModel& model, IrNode& conv, const IrNode& bn) {
  if (conv.inputs.size() < 2 || conv.inputs[1] < 0 || model.tensors[conv.inputs[1]].dtype != DType::kFloat32) {
    return false;
  }
  const Dims wshape = model.tensors[conv.inputs[1]].shape;
  const int64_t maps = wshape.empty() ? 0 : wshape[0];
  const auto bn_map = foldable_batchnorm(model, bn, maps);
  const auto w = constant_values(model, conv.inputs[1]);
  const int bias = conv.inputs.size() > 2 ? conv.inputs[2] : -1;
  const auto b = bias >= 0 ? constant_values(model, bias)
                           : std::optional<std::vector<double>>(std::vector<double>(maps, 0.0));
  if (!bn_map || !w || !b || static_cast<int64_t>(b->size()) != maps) return false;
  const int64_t per_map = maps > 0 ? static_cast<int64_t>(w->size()) / maps : 0;
  std::vector<double> w2(*w), b2(maps);
  for (int64_t m = 0; m < maps; ++m) {
    for (int64_t j = 0; j < per_map; ++j) w2[m * per_map + j] *= bn_map->scale[m];
    b2[m] = bn_map->folded_bias(m, (*b)[m]);
  }
  const std::string out_name = model.tensors[bn.outputs[0]].name;
  const int nw = add_float_constant(model, out_name + ".weight", wshape, w2);
  const int nb = add_float_constant(model, out_name + ".bias", Dims{maps}, b2);
  conv.inputs.resize(3);
  conv.inputs[1] = nw;
  conv.inputs[2] = nb;
  conv.outputs[0] = bn.outputs[0];
  conv.precision_note += std::string(conv.precision_note.empty() ? "" : "; ") + "fused BatchNormalization";
  return true;
}

}  // namespace

std::optional<BatchNormMap> foldable_batchnorm(const IrModel& model, const IrNode& bn, int64_t channels) {
  if (bn.inputs.size() != 5 || bn.inputs[0] < 0 || bn.outputs.empty() || bn.outputs[0] < 0 ||
      use_count(model, bn.inputs[0]) != 1) {
    return std::nullopt;
  }
  // Opset 14's training_mode normalizes by the batch's statistics, not the constants.
  if (bn.opset >= 14 && bn.attrs.get_int("training_mode", 0) != 0) return std::nullopt;
  for (size_t o = 1; o < bn.outputs.size(); ++o) {
    if (bn.outputs[o] >= 0) return std::nullopt;  // training-mode outputs are read
  }
  std::vector<std::vector<double>> p;
  for (int i = 1; i < 5; ++i) {
    const auto v = constant_values(model, bn.inputs[i]);
    if (!v || static_cast<int64_t>(v->size()) != channels || model.tensors[bn.inputs[i]].shape.size() != 1) {
      return std::nullopt;
    }
    p.push_back(*v);
  }
  const double eps = bn.attrs.get_float("epsilon", 1e-5f);
  BatchNormMap map;
  map.beta = p[1];
  map.mean = p[2];
  for (int64_t c = 0; c < channels; ++c) map.scale.push_back(p[0][c] / std::sqrt(p[3][c] + eps));
  return map;
}

int add_float_constant(IrModel& model, const std::string& name, const Dims& shape, const std::vector<double>& values) {
  IrTensor t;
  t.name = name;
  t.dtype = DType::kFloat32;
  t.shape = shape;
  t.shape_known = true;
  t.is_constant = true;
  t.value.dtype = DType::kFloat32;
  t.value.shape = shape;
  t.value.bytes.resize(values.size() * sizeof(float));
  for (size_t i = 0; i < values.size(); ++i) {
    const float f = static_cast<float>(values[i]);
    std::memcpy(t.value.bytes.data() + i * sizeof(float), &f, sizeof f);
  }
  return model.add_tensor(std::move(t));
}

Status fold_batchnorm(IrModel& model, PassContext& ctx) {
  const int folded = fold_into_producers(
      model, [](const IrNode& n) { return n.domain.empty() && n.op_type == "BatchNormalization"; },
      [&](IrNode& producer, const IrNode& bn) {
        if (!producer.domain.empty()) return false;
        if (producer.op_type == "Conv") return fold_into_conv(model, producer, bn);
        return fold_batchnorm_into_gemm(model, producer, bn);
      });
  ctx.changed |= folded > 0;
  return Status::Ok();
}

}  // namespace qedge::conv
