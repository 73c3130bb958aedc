// The quantization step of the qedge integer ops (domain "qedge"): float -> integer level, and how integer
// elements of any storage type are read and written. Shared by Quantize and the requantizing epilogue of
// QConv/QMatMul so that a fused output quantizer gives exactly what a separate Quantize would.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"
#include "qedge/quant/int_range.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {

// The converter lowers quantized graphs to ops in this domain.
inline const char* const kQedgeDomain = "qedge";

// Integer storage types of the qedge integer ops.
inline bool is_int_storage(DType t) {
  return t == DType::kInt8 || t == DType::kUint8 || t == DType::kInt16 || t == DType::kUint16 || t == DType::kInt32;
}

inline int64_t int_element(const Tensor& t, int64_t i) {
  switch (t.dtype) {
    case DType::kInt8: return t.data_as<int8_t>()[i];
    case DType::kUint8: return t.data_as<uint8_t>()[i];
    case DType::kInt16: return t.data_as<int16_t>()[i];
    case DType::kUint16: return t.data_as<uint16_t>()[i];
    default: return t.data_as<int32_t>()[i];
  }
}

inline void set_int_element(Tensor& t, int64_t i, int64_t v) {
  switch (t.dtype) {
    case DType::kInt8: t.data_as<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DType::kUint8: t.data_as<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DType::kInt16: t.data_as<int16_t>()[i] = static_cast<int16_t>(v); break;
    case DType::kUint16: t.data_as<uint16_t>()[i] = static_cast<uint16_t>(v); break;
    default: t.data_as<int32_t>()[i] = static_cast<int32_t>(v); break;
  }
}

// Attributes (with a name prefix: "" on Quantize, "out_" on the epilogue):
//   scale, zero_point (floats, one value or one per index of `axis`), axis (int, -1 = per tensor),
//   bits, signed, narrow (ints), bipolar (int: BipolarQuant's rule x >= 0 ? +1 : -1; a 1-bit signed Quant without it
//   follows Quant's rule), rounding_mode (QONNX name), to (int, the storage DType),
//   zp_after_round (int): 1 for ONNX QuantizeLinear, q = sat(round_half_even(x / s) + zp);
//   0 for QONNX Quant, q = R(clip(x / s + zp)).
struct QuantizeSpec {
  std::vector<float> scale, zero_point;
  int axis = -1;
  quant::IntQuantParams params;
  bool bipolar = false;
  bool zp_after_round = false;
  DType to = DType::kInt8;
  float range_min = 0.0f, range_max = 0.0f;  // the float32 clamp bounds of params (quant::range_min_f/max_f)

  Status read(const KernelContext& ctx, const std::string& prefix) {
    const AttrMap& a = ctx.attr();
    const std::string op(ctx.op_type);
    scale = a.get_floats(prefix + "scale");
    zero_point = a.get_floats(prefix + "zero_point");
    axis = static_cast<int>(a.get_int(prefix + "axis", -1));
    const int64_t bits = a.get_int(prefix + "bits", 8);
    if (!quant::valid_bits(bits)) return InvalidModel(op + " has invalid " + prefix + "bits " + std::to_string(bits));
    params.bits = static_cast<int>(bits);
    params.is_signed = a.get_int(prefix + "signed", 1) != 0;
    params.narrow = a.get_int(prefix + "narrow", 0) != 0;
    const std::string mode = a.get_string(prefix + "rounding_mode", "ROUND");
    const auto m = quant::parse_rounding_mode(mode);
    if (!m) return InvalidModel(op + " has unknown " + prefix + "rounding_mode '" + mode + "'");
    params.mode = *m;
    bipolar = a.get_int(prefix + "bipolar", 0) != 0;
    zp_after_round = a.get_int(prefix + "zp_after_round", 0) != 0;
    to = static_cast<DType>(a.get_int(prefix + "to", static_cast<int64_t>(DType::kInt8)));
    if (!is_int_storage(to)) return InvalidModel(op + " has a non-integer " + prefix + "to type");
    if (scale.empty() || scale.size() != zero_point.size()) {
      return InvalidModel(op + " needs " + prefix + "scale and " + prefix + "zero_point of the same non-zero length");
    }
    for (float s : scale) {
      if (!(s > 0.0f) || !std::isfinite(s)) return InvalidModel(op + " has a " + prefix + "scale that is not positive");
    }
    range_min = quant::range_min_f(params);
    range_max = quant::range_max_f(params);
    const quant::IntRange r = quant::int_range(params.bits, params.is_signed, params.narrow);
    const quant::IntRange store = storage_range(to);
    if (r.min < store.min || r.max > store.max) {
      return InvalidModel(op + " stores a " + std::to_string(params.bits) + "-bit range in a narrower type");
    }
    return Status::Ok();
  }

  static quant::IntRange storage_range(DType t) {
    switch (t) {
      case DType::kInt8: return {-128, 127};
      case DType::kUint8: return {0, 255};
      case DType::kInt16: return {-32768, 32767};
      case DType::kUint16: return {0, 65535};
      default: return {INT32_MIN, INT32_MAX};
    }
  }

  // The integer level of x for parameter index c (0 when per tensor): quant::int_quant_level with the clamp bounds
  // computed once; NaN, which has no level, gives 0.
  int64_t level(float x, size_t c) const {
    const float s = scale[c], zp = zero_point[c];
    if (bipolar) return x >= 0.0f ? 1 : -1;  // BipolarQuant: 0 and -0 give +1, NaN gives -1
    if (zp_after_round) {
      const float q = quant::round_value(x / s, quant::RoundingMode::kHalfEven) + zp;
      if (std::isnan(q)) return 0;
      return static_cast<int64_t>(q < range_min ? range_min : (q > range_max ? range_max : q));
    }
    const float v = x / s + zp;
    if (quant::is_bipolar(params.bits, params.is_signed)) return v >= 0.0f ? 1 : -1;
    const float q = quant::round_value(v < range_min ? range_min : (v > range_max ? range_max : v), params.mode);
    return std::isnan(q) ? 0 : static_cast<int64_t>(q);
  }
};

// The element stride of `axis` in `shape` for parameters with `count` values (1 when per tensor, axis -1).
inline Result<int64_t> axis_inner(const KernelContext& ctx, const Dims& shape, int axis, size_t count) {
  if (count == 1 && axis < 0) return int64_t{1};
  if (axis < 0 || axis >= static_cast<int>(shape.size()) || shape[axis] != static_cast<int64_t>(count)) {
    return InvalidModel(std::string(ctx.op_type) + " has " + std::to_string(count) + " scales along axis " +
                        std::to_string(axis) + " of shape " + dims_to_string(shape));
  }
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  return inner;
}

}  // namespace qedge::ref
