#include "passes/quant_grid.h"

#include <cmath>
#include <cstring>

#include "qedge/quant/int_range.h"

namespace qedge::conv {
namespace {

bool is_op(const IrNode& n, const char* domain, const char* op) { return n.domain == domain && n.op_type == op; }

// ONNX DequantizeLinear of an integer constant: bits and signedness from the element type.
std::optional<IrQuant> dequantize_linear_grid(const IrModel& model, const IrNode& n, const Dims& shape) {
  if (n.inputs.size() < 2 || n.inputs[0] < 0 || n.attrs.get_int("block_size", 0) != 0) return std::nullopt;
  int bits = 0;
  bool is_signed = true;
  if (!onnx_level_type(model.tensors[n.inputs[0]].dtype, &bits, &is_signed)) return std::nullopt;
  const int zp = n.inputs.size() > 2 ? n.inputs[2] : -1;
  // A per-axis scale is a 1-D vector along `axis` (default 1), not broadcast-shaped.
  const Dims& scale_shape = model.tensors[n.inputs[1]].shape;
  int axis = -1;
  if (num_elements(scale_shape) > 1) {
    int64_t a = n.attrs.get_int("axis", 1);
    if (a < 0) a += static_cast<int64_t>(shape.size());
    if (scale_shape.size() != 1 || a < 0 || a >= static_cast<int64_t>(shape.size()) || shape[a] != scale_shape[0]) {
      return std::nullopt;
    }
    axis = static_cast<int>(a);
  }
  const Dims grid_shape = axis >= 0 ? Dims{shape[axis]} : shape;
  auto grid = make_grid(model, n.inputs[1], zp, bits, is_signed, false, quant::RoundingMode::kHalfEven, grid_shape);
  if (!grid) return std::nullopt;
  if (axis >= 0) grid->axis = axis;
  return grid;
}

std::optional<IrQuant> moved_grid(const IrModel& model, const IrNode& n) {
  if (n.inputs.empty() || n.inputs[0] < 0) return std::nullopt;
  const IrTensor& in = model.tensors[n.inputs[0]];
  if (!in.quant || dtype_is_integer(in.dtype)) return std::nullopt;
  IrQuant q = *in.quant;
  if (n.op_type == "Transpose") {
    if (q.axis >= 0) {
      std::vector<int64_t> perm = n.attrs.get_ints("perm");
      if (perm.empty()) {
        for (int64_t d = static_cast<int64_t>(in.shape.size()) - 1; d >= 0; --d) perm.push_back(d);
      }
      int moved = -1;
      for (size_t d = 0; d < perm.size(); ++d) {
        if (perm[d] == q.axis) moved = static_cast<int>(d);
      }
      if (moved < 0) return std::nullopt;
      q.axis = moved;
    }
    return q;
  }
  const bool reshaping = n.op_type == "Reshape" || n.op_type == "Flatten" || n.op_type == "Squeeze" ||
                         n.op_type == "Unsqueeze" || n.op_type == "Identity";
  if (reshaping && q.per_tensor()) return q;
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<double>> constant_values(const IrModel& model, int tensor) {
  if (tensor < 0) return std::nullopt;
  const IrTensor& t = model.tensors[tensor];
  if (!t.is_constant) return std::nullopt;
  const size_t n = static_cast<size_t>(num_elements(t.shape));
  std::vector<double> out(n);
  const uint8_t* p = t.value.bytes.data();
  for (size_t i = 0; i < n; ++i) {
    switch (t.dtype) {
      case DType::kFloat32: { float v; std::memcpy(&v, p + 4 * i, 4); out[i] = v; break; }
      case DType::kFloat64: { double v; std::memcpy(&v, p + 8 * i, 8); out[i] = v; break; }
      case DType::kInt32: { int32_t v; std::memcpy(&v, p + 4 * i, 4); out[i] = v; break; }
      case DType::kInt64: { int64_t v; std::memcpy(&v, p + 8 * i, 8); out[i] = static_cast<double>(v); break; }
      case DType::kInt8: out[i] = static_cast<int8_t>(p[i]); break;
      case DType::kUint8: out[i] = p[i]; break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::optional<int> broadcast_axis(const Dims& param, const Dims& shape) {
  if (num_elements(param) == 1) return -1;
  if (param.size() > shape.size()) return std::nullopt;
  const size_t off = shape.size() - param.size();
  int axis = -1;
  for (size_t d = 0; d < param.size(); ++d) {
    if (param[d] == 1) continue;
    if (axis >= 0 || param[d] != shape[off + d]) return std::nullopt;
    axis = static_cast<int>(off + d);
  }
  return axis;
}

std::optional<IrQuant> make_grid(const IrModel& model, int scale, int zero_point, int bits, bool is_signed,
                                 bool narrow, quant::RoundingMode mode, const Dims& shape) {
  const auto s = constant_values(model, scale);
  if (!s) return std::nullopt;
  const auto s_axis = broadcast_axis(model.tensors[scale].shape, shape);
  if (!s_axis) return std::nullopt;
  std::vector<double> z(1, 0.0);
  int z_axis = -1;
  if (zero_point >= 0) {
    const auto zv = constant_values(model, zero_point);
    const auto za = broadcast_axis(model.tensors[zero_point].shape, shape);
    if (!zv || !za) return std::nullopt;
    z = *zv;
    z_axis = *za;
  }
  if (z_axis >= 0 && *s_axis >= 0 && z_axis != *s_axis) return std::nullopt;
  IrQuant q;
  q.axis = *s_axis >= 0 ? *s_axis : z_axis;
  const size_t count = q.axis >= 0 ? static_cast<size_t>(shape[q.axis]) : 1;
  for (size_t c = 0; c < count; ++c) {
    q.scale.push_back(static_cast<float>((*s)[s->size() == 1 ? 0 : c]));
    q.zero_point.push_back(static_cast<float>(z[z.size() == 1 ? 0 : c]));
    if (!(q.scale.back() > 0.0f) || !std::isfinite(q.scale.back())) return std::nullopt;
  }
  q.bits = bits;
  q.is_signed = is_signed;
  q.narrow = narrow;
  q.bipolar = quant::is_bipolar(bits, is_signed);
  q.rounding = mode;
  return q;
}

void annotate_folded_grid(IrModel& model, const IrNode& n) {
  if (n.outputs.empty() || n.outputs[0] < 0) return;
  IrTensor& out = model.tensors[n.outputs[0]];
  if (out.dtype != DType::kFloat32) return;
  std::optional<IrQuant> grid;
  if (is_op(n, kQonnxDomain, "Quant") && n.inputs.size() >= 4) {
    const auto bits = constant_values(model, n.inputs[3]);
    const auto mode = quant::parse_rounding_mode(n.attrs.get_string("rounding_mode", "ROUND"));
    if (bits && bits->size() == 1 && (*bits)[0] >= 1 && (*bits)[0] <= 16 && std::floor((*bits)[0]) == (*bits)[0] && mode) {
      grid = make_grid(model, n.inputs[1], n.inputs[2], static_cast<int>((*bits)[0]), n.attrs.get_int("signed", 1) != 0,
                       n.attrs.get_int("narrow", 0) != 0, *mode, out.shape);
    }
  } else if (is_op(n, kQonnxDomain, "BipolarQuant") && n.inputs.size() >= 2) {
    grid = make_grid(model, n.inputs[1], -1, 1, true, false, quant::RoundingMode::kHalfEven, out.shape);
  } else if (is_op(n, "", "DequantizeLinear")) {
    grid = dequantize_linear_grid(model, n, out.shape);
  } else if (n.domain.empty()) {
    grid = moved_grid(model, n);
  }
  if (grid) out.quant = grid;
}

bool onnx_level_type(DType t, int* bits, bool* is_signed) {
  switch (t) {
    case DType::kInt4: *bits = 4, *is_signed = true; return true;
    case DType::kUint4: *bits = 4, *is_signed = false; return true;
    case DType::kInt8: *bits = 8, *is_signed = true; return true;
    case DType::kUint8: *bits = 8, *is_signed = false; return true;
    case DType::kInt16: *bits = 16, *is_signed = true; return true;
    case DType::kUint16: *bits = 16, *is_signed = false; return true;
    default: return false;
  }
}

std::optional<IrQuant> onnx_activation_grid(const IrModel& model, int scale, int zero_point, DType levels,
                                            const Dims& shape) {
  int bits = 0;
  bool is_signed = true;
  if (!onnx_level_type(levels, &bits, &is_signed) || bits < 8) return std::nullopt;
  auto grid = make_grid(model, scale, zero_point, bits, is_signed, false, quant::RoundingMode::kHalfEven, shape);
  if (!grid || !grid->per_tensor() || std::floor(grid->zero_point[0]) != grid->zero_point[0]) return std::nullopt;
  return grid;
}

DType level_dtype(const IrQuant& q) {
  if (q.bits <= 8) return q.is_signed || q.bipolar ? DType::kInt8 : DType::kUint8;
  if (q.bits <= 16) return q.is_signed ? DType::kInt16 : DType::kUint16;
  return DType::kInt32;
}

std::optional<std::vector<int32_t>> levels_on_grid(const std::vector<float>& values, const Dims& shape,
                                                   const IrQuant& grid) {
  int64_t inner = 1;
  if (grid.axis >= 0) {
    for (size_t d = static_cast<size_t>(grid.axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  const int64_t channels = static_cast<int64_t>(grid.scale.size());
  const quant::IntRange r = quant::int_range(grid.bits, grid.is_signed, grid.narrow);
  std::vector<int32_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    const float s = grid.scale[c], zp = grid.zero_point[c];
    const double q = std::nearbyint(static_cast<double>(values[i]) / s + zp);
    if (!(q >= static_cast<double>(r.min) && q <= static_cast<double>(r.max))) return std::nullopt;
    if ((static_cast<float>(q) - zp) * s != values[i]) return std::nullopt;
    out[i] = static_cast<int32_t>(q);
  }
  return out;
}

}  // namespace qedge::conv
