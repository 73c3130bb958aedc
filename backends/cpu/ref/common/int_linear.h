// Shared parts of the qedge integer linear ops QConv and QMatMul (domain "qedge"):
//   acc[c] = sum_k (x_k - x_zero_point) * (w_kc - w_zero_point[c])       exact: summed in double, which holds
//                                                                        every partial sum below 2^53 (the
//                                                                        converter checks the accumulator width)
//   y[c]   = clamp(acc[c] * mult[c] + add[c], clamp_min, clamp_max)      in double
//   out    = y as float32, or its integer level (out_* QuantizeSpec) when the output is an integer type, or with a
//            third input T ([C, S] or [1, S] float thresholds) the FINN MultiThreshold level #{j : y >= T[c, j]}
//            (2 * count - 1 with out_bipolar=1), stored as out_to.
// X is an integer tensor, or float32 for weight-only quantization (then the sum is in double). W is an
// integer constant, natural or bit-packed. `mult` and `add` hold one value or one per output channel: the
// converter folds input and weight scales, bias, BatchNormalization and Mul/Add by constants into them, and
// Relu/Clip into the clamp bounds.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "int_quantize.h"
#include "qedge/quant/packing.h"

namespace qedge::ref {

// out[i] = levels[i] - zp[channel of element first + i] for i < count, the channels being runs of `inner` elements
// that cycle through `channels`; one zero point for all when zp has one value. One division per call, not per value:
// a model's first run converts every weight through here. An integer Out needs whole zero points and differences
// that fit it (the fast kernels that ask for one check both first).
template <typename T, typename Out>
void levels_minus_zero_point(const T* levels, size_t first, size_t count, int64_t channels, int64_t inner,
                             const std::vector<float>& zp, Out* out) {
  const auto per_channel = static_cast<size_t>(inner);
  auto c = static_cast<int64_t>(first / per_channel % static_cast<size_t>(channels));
  size_t offset = first % per_channel;
  for (size_t i = 0; i < count; offset = 0, c = c + 1 == channels ? 0 : c + 1) {
    const float z = zp[zp.size() == 1 ? 0 : static_cast<size_t>(c)];
    const size_t end = std::min(count, i + per_channel - offset);
    if constexpr (std::is_integral_v<Out>) {
      const auto zi = static_cast<int32_t>(z);
      for (; i < end; ++i) out[i] = static_cast<Out>(static_cast<int32_t>(levels[i]) - zi);
    } else {
      for (; i < end; ++i) out[i] = static_cast<double>(levels[i]) - static_cast<double>(z);
    }
  }
}

// W's integer values minus its zero point (one per output channel along `channel_axis`, or one in all), as double
// (exact for every level and zero point), or as an integer type under levels_minus_zero_point's conditions.
template <typename Out>
Status read_int_weights(const KernelContext& ctx, int channel_axis, std::vector<Out>* out) {
  const Tensor& w = *ctx.input(1);
  const std::string op(ctx.op_type);
  const size_t n = static_cast<size_t>(w.numel());
  const std::vector<float> zp = ctx.attr().get_floats("w_zero_point", {0.0f});
  int64_t inner = 1;
  for (int d = channel_axis + 1; d < w.rank(); ++d) inner *= w.shape[d];
  const int64_t channels = w.shape[channel_axis];
  if (zp.size() != 1 && static_cast<int64_t>(zp.size()) != channels) {
    return InvalidModel(op + " w_zero_point has " + std::to_string(zp.size()) + " values for " +
                        std::to_string(channels) + " output channels");
  }
  out->resize(n);
  if (n == 0) return Status::Ok();
  Out* o = out->data();
  if (!w.packed_bipolar && !w.packed_bits) {
    switch (w.dtype) {
      case DType::kInt8: levels_minus_zero_point(w.data_as<int8_t>(), 0, n, channels, inner, zp, o); break;
      case DType::kUint8: levels_minus_zero_point(w.data_as<uint8_t>(), 0, n, channels, inner, zp, o); break;
      case DType::kInt16: levels_minus_zero_point(w.data_as<int16_t>(), 0, n, channels, inner, zp, o); break;
      case DType::kUint16: levels_minus_zero_point(w.data_as<uint16_t>(), 0, n, channels, inner, zp, o); break;
      default: levels_minus_zero_point(w.data_as<int32_t>(), 0, n, channels, inner, zp, o); break;
    }
    return Status::Ok();
  }
  // Bit-packed levels unpacked a piece at a time (a multiple of 8 values starts on a byte), so that no int32 copy of
  // the whole weight adds to the first run's peak memory.
  const int bits = w.packed_bipolar ? 1 : w.packed_bits;
  constexpr size_t kPiece = 16384;
  std::vector<int32_t> levels(std::min(n, kPiece));
  const auto* packed = static_cast<const uint8_t*>(w.data);
  for (size_t first = 0; first < n; first += kPiece) {
    const size_t count = std::min(kPiece, n - first);
    const uint8_t* in = packed + first * static_cast<size_t>(bits) / 8;
    if (w.packed_bipolar) {
      quant::unpack_bipolar(in, count, levels.data());
    } else if (!quant::unpack_bits(in, count, bits, w.dtype == DType::kInt8, levels.data())) {
      return InvalidModel(op + " weight has an invalid packed bit width");
    }
    levels_minus_zero_point(levels.data(), first, count, channels, inner, zp, o + first);
  }
  return Status::Ok();
}

struct IntLinearEpilogue {
  std::vector<float> mult, add;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool quantized = false;
  QuantizeSpec out;
  const Tensor* thresholds = nullptr;
  bool threshold_bipolar = false;

  // Reads the attributes for `channels` output channels and sets output 0's type.
  Status read(KernelContext& ctx, int64_t channels, const Dims& out_shape) {
    const std::string op(ctx.op_type);
    const AttrMap& a = ctx.attr();
    mult = a.get_floats("mult", {1.0f});
    add = a.get_floats("add", {0.0f});
    for (const auto* v : {&mult, &add}) {
      if (v->size() != 1 && static_cast<int64_t>(v->size()) != channels) {
        return InvalidModel(op + " mult/add must hold 1 or " + std::to_string(channels) + " values");
      }
    }
    lo = a.get_float("clamp_min", -std::numeric_limits<float>::infinity());
    hi = a.get_float("clamp_max", std::numeric_limits<float>::infinity());
    thresholds = ctx.input(2);
    if (thresholds) {
      const auto& t = *thresholds;
      if (t.dtype != DType::kFloat32 || t.rank() != 2 || (t.shape[0] != 1 && t.shape[0] != channels)) {
        return ShapeMismatch(op + " thresholds must be float [C, S] or [1, S] with C = " + std::to_string(channels) +
                             ", got " + dims_to_string(t.shape));
      }
      threshold_bipolar = a.get_int("out_bipolar", 0) != 0;
      out.to = static_cast<DType>(a.get_int("out_to", static_cast<int64_t>(DType::kUint8)));
      const quant::IntRange r = QuantizeSpec::storage_range(out.to);
      if (!is_int_storage(out.to) || (threshold_bipolar && (t.shape[1] != 1 || r.min > -1)) || t.shape[1] > r.max) {
        return InvalidModel(op + " threshold levels do not fit its out_to type");
      }
      set_output(ctx, 0, out.to, out_shape);
      return Status::Ok();
    }
    quantized = a.has("out_scale");
    if (quantized) {
      QEDGE_RETURN_IF_ERROR(out.read(ctx, "out_"));
      if (out.scale.size() != 1) return InvalidModel(op + " output quantization must be per tensor");
    }
    set_output(ctx, 0, quantized ? out.to : DType::kFloat32, out_shape);
    return Status::Ok();
  }

  void store(Tensor& y, int64_t i, int64_t c, double acc) const {
    const size_t m = mult.size() == 1 ? 0 : static_cast<size_t>(c);
    const size_t b = add.size() == 1 ? 0 : static_cast<size_t>(c);
    double v = acc * static_cast<double>(mult[m]) + static_cast<double>(add[b]);
    // fmin(fmax(v, lo), hi), spelled out so it inlines: NaN takes the bound.
    v = std::isnan(v) ? lo : (v < lo ? lo : v);
    v = std::isnan(v) ? hi : (v > hi ? hi : v);
    if (thresholds) {
      const int64_t steps = thresholds->shape[1];
      const float* row = thresholds->data_as<float>() + (thresholds->shape[0] == 1 ? 0 : c) * steps;
      const int64_t count = quant::multithreshold_count(static_cast<float>(v), row, steps);
      set_int_element(y, i, threshold_bipolar ? 2 * count - 1 : count);
    } else if (quantized) {
      set_int_element(y, i, out.level(static_cast<float>(v), 0));
    } else {
      y.data_as<float>()[i] = static_cast<float>(v);
    }
  }
};

// Checks X (input 0): an integer storage type or float32 (weight-only).
inline Status check_int_linear_input(const KernelContext& ctx) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  const std::string op(ctx.op_type);
  if (x == nullptr || w == nullptr) return InvalidModel(op + " requires inputs X and W");
  if (x->dtype != DType::kFloat32 && !is_int_storage(x->dtype)) {
    return Unsupported(op + " input X must be float32 or an integer type, got " + dtype_name(x->dtype));
  }
  if (!is_int_storage(w->dtype)) return Unsupported(op + " weight must be an integer type, got " + dtype_name(w->dtype));
  return Status::Ok();
}

// QMatMul's operand shapes: X [..., K] times W [K, N] (or [N, K] with trans_b=1) gives Y [..., N].
struct QMatMulShape {
  bool trans_b = false;
  int64_t k = 0, n = 0;
  Dims out;
};

inline Result<QMatMulShape> qmatmul_shape(const KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  if (x.rank() < 1 || w.rank() != 2) {
    return ShapeMismatch("QMatMul needs X of rank >= 1 and a 2-D weight, got " + dims_to_string(x.shape) + " and " +
                         dims_to_string(w.shape));
  }
  QMatMulShape s;
  s.trans_b = ctx.attr().get_int("trans_b", 0) != 0;
  s.k = x.shape.back();
  s.n = s.trans_b ? w.shape[0] : w.shape[1];
  if ((s.trans_b ? w.shape[1] : w.shape[0]) != s.k) {
    return ShapeMismatch("QMatMul inner dimensions differ: X " + dims_to_string(x.shape) + ", W " +
                         dims_to_string(w.shape) + (s.trans_b ? " (transposed)" : ""));
  }
  s.out = x.shape;
  s.out.back() = s.n;
  return s;
}

// X's values minus x_zero_point, as double (exact for every integer type and float32).
inline void read_linear_input(const KernelContext& ctx, std::vector<double>* out) {
  const Tensor& x = *ctx.input(0);
  const int64_t n = x.numel();
  out->resize(static_cast<size_t>(n));
  if (x.dtype == DType::kFloat32) {
    for (int64_t i = 0; i < n; ++i) (*out)[i] = x.data_as<float>()[i];
    return;
  }
  const int64_t zp = ctx.attr().get_int("x_zero_point", 0);
  for (int64_t i = 0; i < n; ++i) (*out)[i] = static_cast<double>(int_element(x, i) - zp);
}

}  // namespace qedge::ref
