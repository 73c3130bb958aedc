// Helpers shared by the QONNX quantization kernels (Quant, BipolarQuant, Trunc, FloatQuant, MultiThreshold):
// the domain they register in, scalar parameter inputs (bit widths), rounding_mode, and the float32
// element-wise loop of X against broadcast parameter tensors. The math itself lives in quant/.
#pragma once

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "broadcast.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"
#include "qedge/quant/rounding.h"

namespace qedge::ref {

// The converter's canonicalize pass moves every QONNX/FINN alias domain here.
inline const char* const kQonnxDomain = "qonnx.custom_op.general";

inline std::string qonnx_input_name(const KernelContext& ctx, int i, const char* what) {
  return std::string(ctx.op_type) + " input " + std::to_string(i) + " (" + what + ")";
}

// Parameter inputs are float32 in Brevitas exports; QKeras-converted models store float64 or int64 scales
// and zero points (and int64 bit widths).
inline bool is_qonnx_param_type(DType t) {
  return t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kInt32 || t == DType::kInt64;
}

// Element i of a parameter tensor of a type is_qonnx_param_type accepts, as a double.
inline double qonnx_param_at(const Tensor& t, int64_t i) {
  switch (t.dtype) {
    case DType::kFloat32: return static_cast<double>(t.data_as<float>()[i]);
    case DType::kFloat64: return t.data_as<double>()[i];
    case DType::kInt32: return static_cast<double>(t.data_as<int32_t>()[i]);
    default: return static_cast<double>(t.data_as<int64_t>()[i]);
  }
}

// A scalar parameter input (rank 0 or one element) of type float32, float64, int32 or int64, as a double.
// Also the check used by prepare, where the value may not be known yet (then 0 is returned).
inline Result<double> read_qonnx_scalar(const KernelContext& ctx, int i, const char* what) {
  const Tensor* t = ctx.input(i);
  if (t == nullptr) return InvalidModel(qonnx_input_name(ctx, i, what) + " is missing");
  if (t->numel() != 1) {
    return InvalidModel(qonnx_input_name(ctx, i, what) + " must be a scalar, got shape " + dims_to_string(t->shape));
  }
  if (!is_qonnx_param_type(t->dtype)) {
    return Unsupported(qonnx_input_name(ctx, i, what) + " must be float32, float64, int32 or int64, got " +
                       dtype_name(t->dtype));
  }
  if (!t->has_value || t->data == nullptr) return 0.0;
  return qonnx_param_at(*t, 0);
}

// A scalar input holding a whole number in [lo, hi] (bit widths, minifloat field widths). In prepare an input
// whose value is not known yet (computed in the graph) passes with 0; run always sees the value.
inline Result<int> read_whole_scalar(const KernelContext& ctx, int i, const char* what, int lo, int hi) {
  QEDGE_ASSIGN_OR_RETURN(double v, read_qonnx_scalar(ctx, i, what));
  if (!ctx.input(i)->has_value) return 0;
  if (!(v >= lo && v <= hi) || std::floor(v) != v) {
    return InvalidModel(qonnx_input_name(ctx, i, what) + " must be a whole number in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "], got " + std::to_string(v));
  }
  return static_cast<int>(v);
}

// A bit-width input: a positive whole number up to max_bits.
inline Result<int> read_bit_width(const KernelContext& ctx, int i, const char* what, int max_bits) {
  return read_whole_scalar(ctx, i, what, 1, max_bits);
}

// The rounding_mode attribute (default ROUND), validated.
inline Result<quant::RoundingMode> rounding_mode_attr(const KernelContext& ctx, const char* def = "ROUND") {
  const std::string name = ctx.attr().get_string("rounding_mode", def);
  const auto mode = quant::parse_rounding_mode(name);
  if (!mode) return InvalidModel(std::string(ctx.op_type) + " has unknown rounding_mode '" + name + "'");
  return *mode;
}

// Checks that X (input 0) is float32, that the parameter inputs `params` have a parameter type, and that
// they broadcast to X's shape (numpy-style, without enlarging X); Y (output 0) gets X's type and shape.
template <size_t N>
Status prepare_qonnx_elementwise(KernelContext& ctx, const std::array<int, N>& params,
                                 const std::array<const char*, N>& names) {
  const Tensor* x = ctx.input(0);
  if (x == nullptr) return InvalidModel(std::string(ctx.op_type) + " requires input 0 (X)");
  if (x->dtype != DType::kFloat32) {
    return Unsupported(std::string(ctx.op_type) + " input 0 (X) must be float32, got " + dtype_name(x->dtype));
  }
  for (size_t k = 0; k < N; ++k) {
    const Tensor* p = ctx.input(params[k]);
    if (p == nullptr) return InvalidModel(qonnx_input_name(ctx, params[k], names[k]) + " is missing");
    if (!is_qonnx_param_type(p->dtype)) {
      return Unsupported(qonnx_input_name(ctx, params[k], names[k]) + " must be float32, float64, int32 or int64, got " +
                         dtype_name(p->dtype));
    }
    auto b = broadcast_shapes(x->shape, p->shape);
    if (!b.ok() || *b != x->shape) {
      return ShapeMismatch(qonnx_input_name(ctx, params[k], names[k]) + " of shape " + dims_to_string(p->shape) +
                           " does not broadcast to X's shape " + dims_to_string(x->shape));
    }
  }
  set_output(ctx, 0, DType::kFloat32, x->shape);
  return Status::Ok();
}

// y[i] = fn(x[i], p_0[i'], ..., p_{N-1}[i']) with the parameters, as float32, broadcast against X.
template <size_t N, typename Fn>
void run_qonnx_elementwise(KernelContext& ctx, const std::array<int, N>& params, Fn&& fn) {
  const Tensor& x = *ctx.input(0);
  std::array<const Dims*, N + 1> shapes{&x.shape};
  std::array<const float*, N + 1> data{x.data_as<float>()};
  std::array<std::vector<float>, N> converted;  // float32 copies of parameters stored in another type
  for (size_t k = 0; k < N; ++k) {
    const Tensor& p = *ctx.input(params[k]);
    shapes[k + 1] = &p.shape;
    if (p.dtype == DType::kFloat32) {
      data[k + 1] = p.data_as<float>();
      continue;
    }
    converted[k].resize(static_cast<size_t>(p.numel()));
    for (int64_t i = 0, i_end = p.numel(); i < i_end; ++i) converted[k][i] = static_cast<float>(qonnx_param_at(p, i));
    data[k + 1] = converted[k].data();
  }
  float* y = ctx.output(0)->data_as<float>();
  for_each_broadcast<N + 1>(x.shape, shapes, [&](int64_t i, const std::array<int64_t, N + 1>& off) {
    std::array<float, N + 1> v;
    for (size_t k = 0; k <= N; ++k) v[k] = data[k][off[k]];
    y[i] = fn(v);
  });
}

}  // namespace qedge::ref
