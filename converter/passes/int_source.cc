// Where integer activations come from: activation quantizers (a Quantize step is added next to them), ONNX
// DequantizeLinear of an integer tensor, and data-movement ops whose input already has integer levels
// (they run on the integers instead: the values, and so the grid, pass through unchanged).
#include <algorithm>
#include <cmath>

#include "passes/int_lowering.h"
#include "passes/quant_grid.h"

namespace qedge::conv {
namespace {

bool is_onnx(const IrNode& n, const char* op) { return n.domain.empty() && n.op_type == op; }

}  // namespace

bool moves_values(const IrNode& n, DType levels) {
  if (!n.domain.empty()) return false;
  static const char* const kMovers[] = {"Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze",
                                        "Identity", "DepthToSpace", "SpaceToDepth", "Concat"};
  for (const char* op : kMovers) {
    if (n.op_type == op) return true;
  }
  const bool byte = levels == DType::kInt8 || levels == DType::kUint8;
  const bool one_output = n.outputs.size() == 1 || (n.outputs.size() > 1 && n.outputs[1] < 0);
  return n.op_type == "MaxPool" && byte && one_output && n.attrs.get_int("storage_order", 0) == 0;
}

namespace {

// The grid of the integer input of DequantizeLinear(X, scale, zero_point) with X computed at run time.
std::optional<IrQuant> dequantize_linear_grid(const IrModel& model, const IrNode& n) {
  if (n.inputs.size() < 2 || n.inputs[0] < 0) return std::nullopt;
  const IrTensor& x = model.tensors[n.inputs[0]];
  if (x.is_constant) return std::nullopt;
  return onnx_activation_grid(model, n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : -1, x.dtype, x.shape);
}

}  // namespace

std::optional<IrQuant> activation_quantizer_grid(const IrModel& model, const IrNode& n) {
  if (n.domain != kQonnxDomain || n.inputs.empty() || n.inputs[0] < 0) return std::nullopt;
  const IrTensor& x = model.tensors[n.inputs[0]];
  if (x.is_constant || x.dtype != DType::kFloat32 || !x.shape_known) return std::nullopt;
  std::optional<IrQuant> grid;
  if (n.op_type == "Quant" && n.inputs.size() >= 4) {
    const auto bits = constant_values(model, n.inputs[3]);
    const auto mode = quant::parse_rounding_mode(n.attrs.get_string("rounding_mode", "ROUND"));
    if (!bits || bits->size() != 1 || !mode) return std::nullopt;
    const double b = (*bits)[0];
    if (!(b >= 1 && b <= 16) || std::floor(b) != b) return std::nullopt;
    grid = make_grid(model, n.inputs[1], n.inputs[2], static_cast<int>(b), n.attrs.get_int("signed", 1) != 0,
                     n.attrs.get_int("narrow", 0) != 0, *mode, x.shape);
  } else if (n.op_type == "BipolarQuant" && n.inputs.size() >= 2) {
    grid = make_grid(model, n.inputs[1], -1, 1, true, false, quant::RoundingMode::kHalfEven, x.shape);
    if (grid) grid->sign_rule = true;
  }
  if (!grid || !grid->per_tensor() || std::floor(grid->zero_point[0]) != grid->zero_point[0]) return std::nullopt;
  return grid;
}

std::optional<IrQuant> multithreshold_grid(const IrModel& model, const IrNode& n) {
  if (n.domain != kQonnxDomain || n.op_type != "MultiThreshold" || n.inputs.size() != 2 || n.inputs[1] < 0) {
    return std::nullopt;
  }
  const IrTensor& t = model.tensors[n.inputs[1]];
  if (!t.is_constant || t.dtype != DType::kFloat32 || t.shape.size() != 2) return std::nullopt;
  const int64_t steps = t.shape[1];
  const float out_scale = n.attrs.get_float("out_scale", 1.0f), out_bias = n.attrs.get_float("out_bias", 0.0f);
  if (!(out_scale > 0.0f) || !std::isfinite(out_scale) || steps < 1 || steps > 65535) return std::nullopt;
  IrQuant q;
  q.is_signed = false;
  q.bits = 1;
  while ((int64_t{1} << q.bits) - 1 < steps) ++q.bits;
  const float zp = -out_bias / out_scale;
  if (std::floor(zp) == zp && std::isfinite(zp)) {
    q.scale = {out_scale};
    q.zero_point = {zp};
  } else if (steps == 1 && out_bias == -out_scale / 2) {
    q.is_signed = true;
    q.bipolar = true;
    q.scale = {out_scale / 2};
    q.zero_point = {0.0f};
  } else {
    return std::nullopt;
  }
  return q;
}

IrNode make_qedge_node(const std::string& name, const char* op, std::vector<int> inputs, std::vector<int> outputs) {
  IrNode n;
  n.name = name;
  n.op_type = op;
  n.domain = kQedgeDomain;
  n.opset = 1;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

void set_attr(AttrMap* attrs, const std::string& name, int64_t v) { attrs->set(int_attr(name, v)); }
void set_attr(AttrMap* attrs, const std::string& name, float v) { attrs->set(float_attr(name, v)); }
void set_attr(AttrMap* attrs, const std::string& name, const std::vector<float>& v) {
  attrs->set(floats_attr(name, v));
}
void set_attr(AttrMap* attrs, const std::string& name, const std::string& v) { attrs->set(string_attr(name, v)); }

void set_quantize_attrs(AttrMap* attrs, const IrQuant& q, const std::string& prefix, bool zp_after_round) {
  set_attr(attrs, prefix + "scale", q.scale);
  set_attr(attrs, prefix + "zero_point", q.zero_point);
  set_attr(attrs, prefix + "axis", int64_t{q.axis});
  set_attr(attrs, prefix + "bits", int64_t{q.bits});
  set_attr(attrs, prefix + "signed", int64_t{q.is_signed});
  set_attr(attrs, prefix + "narrow", int64_t{q.narrow});
  set_attr(attrs, prefix + "bipolar", int64_t{q.sign_rule});
  set_attr(attrs, prefix + "zp_after_round", int64_t{zp_after_round});
  set_attr(attrs, prefix + "to", static_cast<int64_t>(level_dtype(q)));
  set_attr(attrs, prefix + "rounding_mode", std::string(quant::rounding_mode_name(q.rounding)));
}

std::optional<IntLowering::Producer> IntLowering::producer(int t) const {
  for (size_t k = 0; k < pending_.size(); ++k) {
    const auto& outs = pending_[k].second.outputs;
    if (std::find(outs.begin(), outs.end(), t) != outs.end()) return Producer{pending_[k].first, static_cast<int>(k)};
  }
  const auto& nodes = model_.main().nodes;
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (nodes[k].op_type.empty()) continue;
    if (std::find(nodes[k].outputs.begin(), nodes[k].outputs.end(), t) != nodes[k].outputs.end()) {
      return Producer{static_cast<int>(k), -1};
    }
  }
  return std::nullopt;
}

const IrNode& IntLowering::node_at(const Producer& p) const {
  return p.pending >= 0 ? pending_[p.pending].second : model_.main().nodes[p.original];
}

IntLowering::Uses IntLowering::uses(int t) const {
  Uses u;
  const auto& main = model_.main();
  for (size_t k = 0; k < main.nodes.size(); ++k) {
    if (main.nodes[k].op_type.empty()) continue;
    if (std::find(main.nodes[k].inputs.begin(), main.nodes[k].inputs.end(), t) != main.nodes[k].inputs.end()) {
      u.nodes.push_back(static_cast<int>(k));
    }
  }
  for (const auto& p : pending_) u.pending += static_cast<int>(std::count(p.second.inputs.begin(), p.second.inputs.end(), t));
  u.other_uses += static_cast<int>(std::count(main.outputs.begin(), main.outputs.end(), t));
  for (size_t g = 1; g < model_.graphs.size(); ++g) {
    for (const IrNode& n : model_.graphs[g].nodes) {
      u.other_uses += static_cast<int>(std::count(n.inputs.begin(), n.inputs.end(), t));
    }
    u.other_uses += static_cast<int>(std::count(model_.graphs[g].outputs.begin(), model_.graphs[g].outputs.end(), t));
  }
  return u;
}

int IntLowering::add_tensor(const std::string& name, DType dtype, const Dims& shape, std::optional<IrQuant> quant) {
  IrTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  t.shape_known = true;
  t.quant = std::move(quant);
  return model_.add_tensor(std::move(t));
}

int IntLowering::add_levels(const std::string& name, const Dims& shape, const std::vector<int32_t>& levels,
                            const IrQuant& q) {
  const int t = add_tensor(name, level_dtype(q), shape, q);
  IrTensor& w = model_.tensors[t];
  w.is_constant = true;
  w.value.dtype = w.dtype;
  w.value.shape = shape;
  w.value.bytes.resize(dtype_storage_bytes(w.dtype, static_cast<int64_t>(levels.size())));
  for (size_t i = 0; i < levels.size(); ++i) {
    switch (w.dtype) {
      case DType::kInt8:
      case DType::kUint8: w.value.bytes[i] = static_cast<uint8_t>(levels[i]); break;
      case DType::kInt16:
      case DType::kUint16: {
        const auto v = static_cast<uint16_t>(levels[i]);
        w.value.bytes[2 * i] = static_cast<uint8_t>(v), w.value.bytes[2 * i + 1] = static_cast<uint8_t>(v >> 8);
        break;
      }
      default:
        for (int b = 0; b < 4; ++b) w.value.bytes[4 * i + b] = static_cast<uint8_t>(static_cast<uint32_t>(levels[i]) >> (8 * b));
    }
  }
  return t;
}

std::optional<int> IntLowering::int_source(int t) {
  if (t < 0) return std::nullopt;
  auto memo = int_of_.find(t);
  if (memo != int_of_.end()) return memo->second;
  if (model_.tensors[t].dtype != DType::kFloat32 || !model_.tensors[t].shape_known || model_.tensors[t].is_constant) {
    return std::nullopt;
  }
  // Copies: adding tensors below may move model_.tensors.
  const std::string name = model_.tensors[t].name;
  const Dims shape = model_.tensors[t].shape;
  const auto p = producer(t);
  if (!p) return std::nullopt;
  const IrNode n = node_at(*p);  // a copy: queuing nodes below may move the original
  std::optional<int> levels;
  if (n.domain == kQedgeDomain && n.op_type == "Dequantize") {
    levels = n.inputs[0];
  } else if (is_onnx(n, "DequantizeLinear")) {
    if (auto grid = dequantize_linear_grid(model_, n)) {
      model_.tensors[n.inputs[0]].quant = grid;
      levels = n.inputs[0];
    }
  } else if (auto mt = multithreshold_grid(model_, n)) {
    levels = add_tensor(name + ".levels", level_dtype(*mt), shape, mt);
    IrNode th = make_qedge_node(n.name + ".levels", "Thresholds", n.inputs, {*levels});
    if (const Attr* layout = n.attrs.find("data_layout")) th.attrs.set(*layout);
    set_attr(&th.attrs, "bipolar", int64_t{mt->bipolar});
    set_attr(&th.attrs, "to", static_cast<int64_t>(level_dtype(*mt)));
    th.precision_note = "float -> " + std::string(dtype_name(level_dtype(*mt))) + " threshold levels";
    insert_after(p->original, std::move(th));
  } else if (auto grid = activation_quantizer_grid(model_, n)) {
    levels = add_tensor(name + ".levels", level_dtype(*grid), shape, grid);
    IrNode q = make_qedge_node(n.name + ".quantize", "Quantize", {n.inputs[0]}, {*levels});
    set_quantize_attrs(&q.attrs, *grid, "", false);
    q.precision_note = "float -> " + std::string(dtype_name(level_dtype(*grid))) + " levels of " +
                       std::to_string(grid->bits) + "-bit " + (grid->bipolar ? "bipolar" : grid->is_signed ? "signed" : "unsigned") +
                       " activations";
    insert_after(p->original, std::move(q));
  } else if (!n.inputs.empty()) {
    // Every data input must have levels on one shared grid (Concat); other inputs (shapes, axes) stay as they are.
    const int data_inputs = n.op_type == "Concat" ? static_cast<int>(n.inputs.size()) : 1;
    std::vector<int> ins = n.inputs;
    std::optional<IrQuant> grid;
    bool ok = n.outputs.size() >= 1 && n.outputs[0] == t;
    for (int i = 0; ok && i < data_inputs; ++i) {
      const auto src = int_source(n.inputs[i]);
      ok = src.has_value() && model_.tensors[*src].quant && (!grid || *grid == *model_.tensors[*src].quant);
      if (ok) {
        grid = model_.tensors[*src].quant;
        ok = i == 0 || model_.tensors[*src].dtype == model_.tensors[ins[0]].dtype;
        ins[i] = *src;
      }
    }
    if (ok && moves_values(n, model_.tensors[ins[0]].dtype)) {
      levels = add_tensor(name + ".levels", model_.tensors[ins[0]].dtype, shape, grid);
      IrNode m = n;
      m.name = n.name + ".int";
      m.inputs = ins;
      m.outputs = {*levels};
      for (size_t o = 1; o < n.outputs.size(); ++o) m.outputs.push_back(-1);
      m.precision_note = std::string(dtype_name(model_.tensors[*levels].dtype)) + " levels (values move unchanged)";
      insert_after(p->original, std::move(m));
    }
  }
  if (levels) int_of_[t] = *levels;
  return levels;
}

void IntLowering::commit() {
  auto& nodes = model_.main().nodes;
  std::vector<std::vector<IrNode>> after(nodes.size());
  for (auto& p : pending_) after[p.first].push_back(std::move(p.second));
  std::vector<IrNode> out;
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (!nodes[k].op_type.empty()) out.push_back(std::move(nodes[k]));
    for (auto& n : after[k]) out.push_back(std::move(n));
  }
  nodes = std::move(out);
  pending_.clear();
  dead_.clear();
}

}  // namespace qedge::conv
