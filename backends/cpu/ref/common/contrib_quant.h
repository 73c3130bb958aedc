// Per-tensor quantization parameters of the com.microsoft QLinear* operators, as ONNX Runtime
// defines them: dequantize x_scale * (x - x_zero_point) in float, compute in float, requantize
// with nearbyint(v / y_scale) + y_zero_point (half to even) saturated to int8 / uint8.
#pragma once

#include <cmath>
#include <string>

#include "broadcast.h"
#include "reduce_quant.h"

namespace qedge::ref {

inline constexpr const char* kMsDomain = "com.microsoft";

inline bool contrib_is_q8(DType t) { return t == DType::kInt8 || t == DType::kUint8; }

// Checks the int8/uint8 data input `x`: present, of a quantized 8-bit type.
inline Status contrib_check_q8(const KernelContext& ctx, int x) {
  const Tensor* t = ctx.input(x);
  if (t == nullptr) return InvalidModel(std::string(ctx.op_type) + " requires input " + std::to_string(x));
  if (!contrib_is_q8(t->dtype)) return unsupported_type(std::string(ctx.op_type).c_str(), t->dtype);
  return Status::Ok();
}

// Checks a per-tensor (scale, optional zero point) pair for a tensor of type `t`: a float32 scale
// of one element, a zero point of one element and type `t`.
inline Status contrib_check_qparam(const KernelContext& ctx, int scale, int zero, DType t) {
  const std::string op(ctx.op_type);
  const Tensor* s = ctx.input(scale);
  if (s == nullptr) return InvalidModel(op + " requires scale input " + std::to_string(scale));
  if (s->dtype != DType::kFloat32 || s->numel() != 1) {
    return InvalidArgument(op + " input " + std::to_string(scale) + " must be a float32 scalar scale, got " +
                           dtype_name(s->dtype) + " " + dims_to_string(s->shape));
  }
  const Tensor* z = ctx.input(zero);
  if (z != nullptr && (z->dtype != t || z->numel() != 1)) {
    return InvalidArgument(op + " input " + std::to_string(zero) + " must be a " + dtype_name(t) +
                           " scalar zero point, got " + dtype_name(z->dtype) + " " + dims_to_string(z->shape));
  }
  return Status::Ok();
}

struct ContribQParam {
  float scale = 1.0f;
  int64_t zero = 0;
};

// Reads a checked (scale, optional zero point) pair; an omitted zero point is 0.
inline ContribQParam contrib_qparam(const KernelContext& ctx, int scale, int zero) {
  ContribQParam p;
  p.scale = *ctx.input(scale)->data_as<float>();
  if (const Tensor* z = ctx.input(zero)) p.zero = quant_read(z->dtype, z->data, 0);
  return p;
}

inline float contrib_dequant(DType t, const void* data, int64_t i, const ContribQParam& p) {
  return p.scale * static_cast<float>(quant_read(t, data, i) - p.zero);
}

// Quantizes v as ONNX Runtime's MlasQuantizeLinear: round half to even in float, add the zero
// point, saturate.
inline int64_t contrib_requant(DType t, float v, const ContribQParam& p) {
  const float q = std::nearbyint(v / p.scale);
  if (std::isnan(q)) return quant_saturate(t, static_cast<double>(p.zero));
  return quant_saturate(t, static_cast<double>(q) + static_cast<double>(p.zero));
}

// QLinearAdd / QLinearMul: inputs A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale,
// C_zero_point (zero points optional); C = quantize(f(dequantize(A), dequantize(B))) with numpy
// broadcasting, all in float32.
template <typename F>
class QLinearBinaryKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 0));
    QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 3));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    if (b.dtype != a.dtype) {
      return InvalidArgument(std::string(ctx.op_type) + " inputs A (" + dtype_name(a.dtype) + ") and B (" +
                             dtype_name(b.dtype) + ") differ in type");
    }
    for (int i : {1, 4, 6}) QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, i, i + 1, a.dtype));
    auto shape = broadcast_shapes(a.shape, b.shape);
    if (!shape.ok()) {
      return ShapeMismatch(std::string(ctx.op_type) + " cannot broadcast A " + dims_to_string(a.shape) + " and B " +
                           dims_to_string(b.shape));
    }
    set_output(ctx, 0, a.dtype, shape.value());
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    Tensor& c = *ctx.output(0);
    const ContribQParam aq = contrib_qparam(ctx, 1, 2), bq = contrib_qparam(ctx, 4, 5), cq = contrib_qparam(ctx, 6, 7);
    for_each_broadcast<2>(c.shape, {&a.shape, &b.shape}, [&](int64_t i, const std::array<int64_t, 2>& off) {
      const float v = F{}(contrib_dequant(a.dtype, a.data, off[0], aq), contrib_dequant(b.dtype, b.data, off[1], bq));
      quant_write(c.dtype, c.data, i, contrib_requant(c.dtype, v, cq));
    });
    return Status::Ok();
  }
};

template <typename F>
void register_qlinear_binary(KernelRegistry& r, const std::string& op) {
  r.add(kMsDomain, op, [] { return std::make_unique<QLinearBinaryKernel<F>>(); });
}

}  // namespace qedge::ref
