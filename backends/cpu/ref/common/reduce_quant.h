// Quantized element access and quantization parameters shared by QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, QLinearMatMul and QLinearConv.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

struct QuantRange {
  int64_t lo = 0;
  int64_t hi = 0;  // 0 for types that are not quantized integer types
};

inline QuantRange quant_range(DType t) {
  switch (t) {
    case DType::kInt8:
      return {INT8_MIN, INT8_MAX};
    case DType::kUint8:
      return {0, UINT8_MAX};
    case DType::kInt16:
      return {INT16_MIN, INT16_MAX};
    case DType::kUint16:
      return {0, UINT16_MAX};
    case DType::kInt32:
      return {INT32_MIN, INT32_MAX};
    case DType::kInt4:
      return {-8, 7};
    case DType::kUint4:
      return {0, 15};
    default:
      return {};
  }
}

inline bool is_quant_dtype(DType t) { return quant_range(t).hi > 0; }

// Element i of a quantized tensor (int4/uint4 packed two per byte, low nibble first).
inline int64_t quant_read(DType t, const void* data, int64_t i) {
  switch (t) {
    case DType::kInt8:
      return static_cast<const int8_t*>(data)[i];
    case DType::kUint8:
      return static_cast<const uint8_t*>(data)[i];
    case DType::kInt16:
      return static_cast<const int16_t*>(data)[i];
    case DType::kUint16:
      return static_cast<const uint16_t*>(data)[i];
    case DType::kInt32:
      return static_cast<const int32_t*>(data)[i];
    case DType::kInt4:
    case DType::kUint4: {
      const int v = (static_cast<const uint8_t*>(data)[i / 2] >> (4 * (i % 2))) & 0xf;
      return t == DType::kInt4 && v >= 8 ? v - 16 : v;
    }
    default:
      return 0;
  }
}

// Writes an in-range value to element i.
inline void quant_write(DType t, void* data, int64_t i, int64_t v) {
  switch (t) {
    case DType::kInt8:
      static_cast<int8_t*>(data)[i] = static_cast<int8_t>(v);
      break;
    case DType::kUint8:
      static_cast<uint8_t*>(data)[i] = static_cast<uint8_t>(v);
      break;
    case DType::kInt16:
      static_cast<int16_t*>(data)[i] = static_cast<int16_t>(v);
      break;
    case DType::kUint16:
      static_cast<uint16_t*>(data)[i] = static_cast<uint16_t>(v);
      break;
    case DType::kInt32:
      static_cast<int32_t*>(data)[i] = static_cast<int32_t>(v);
      break;
    case DType::kInt4:
    case DType::kUint4: {
      uint8_t& b = static_cast<uint8_t*>(data)[i / 2];
      const int shift = 4 * static_cast<int>(i % 2);
      b = static_cast<uint8_t>((b & ~(0xf << shift)) | ((static_cast<unsigned>(v) & 0xfu) << shift));
      break;
    }
    default:
      break;
  }
}

// round half to even, then saturate to the range of t. NaN maps to 0.
inline int64_t quant_saturate(DType t, double v) {
  if (std::isnan(v)) return 0;
  const QuantRange r = quant_range(t);
  const double q = std::nearbyint(v);
  if (q <= static_cast<double>(r.lo)) return r.lo;
  if (q >= static_cast<double>(r.hi)) return r.hi;
  return static_cast<int64_t>(q);
}

// Rounds a float result to the precision of storage type S (the scale type), as numpy computes
// in that type.
template <typename S>
float round_to(float v) {
  return static_cast<float>(to_storage<S>(v));
}

// Maps element indices of x to indices of its scale / zero point: per-tensor (one value),
// per-axis (a 1-D tensor of x.shape[axis] values) or blocked (same rank as x, axis dim divided
// into blocks of block_size).
class QuantParamMap {
 public:
  Status init(const std::string& op, const Dims& x, const Dims& scale, int64_t axis_attr, int64_t block_size) {
    x_ = x;
    axis_ = -1;
    block_ = 0;
    const int64_t n = num_elements(scale);
    if (n == 1 && block_size <= 0) return Status::Ok();
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(axis_attr, static_cast<int>(x.size()), "axis"));
    if (block_size <= 0) {
      if (scale.size() != 1 || scale[0] != x[axis_]) {
        return ShapeMismatch(op + " per-axis scale " + dims_to_string(scale) + " does not match axis " +
                             std::to_string(axis_) + " of input " + dims_to_string(x));
      }
      inner_ = 1;
      for (size_t d = axis_ + 1; d < x.size(); ++d) inner_ *= x[d];
      return Status::Ok();
    }
    block_ = block_size;
    bool ok = scale.size() == x.size();
    for (size_t d = 0; ok && d < x.size(); ++d) {
      const int64_t want = static_cast<int>(d) == axis_ ? (x[d] + block_ - 1) / block_ : x[d];
      ok = scale[d] == want;
    }
    if (!ok) {
      return ShapeMismatch(op + " blocked scale " + dims_to_string(scale) + " does not fit input " + dims_to_string(x) +
                           " with block_size " + std::to_string(block_size) + " on axis " + std::to_string(axis_));
    }
    scale_strides_ = row_major_strides(scale);
    return Status::Ok();
  }

  // init with the axis and block_size attributes (QuantizeLinear, DequantizeLinear).
  Status init_from_attrs(const KernelContext& ctx, const std::string& op, const Dims& x, const Dims& scale) {
    return init(op, x, scale, ctx.attr().get_int("axis", 1), ctx.attr().get_int("block_size", 0));
  }

  // Visits the n elements of x as fn(i, s, z): s its scale (in compute type C) and z its zero point
  // (0 without one).
  template <typename C, typename F>
  void for_each_param(int64_t n, const Tensor& scale, const Tensor* zp, F&& fn) const {
    for (int64_t i = 0; i < n; ++i) {
      const int64_t p = (*this)(i);
      const C s = static_cast<C>(read_as_double(scale.dtype, scale.data, p));
      const int64_t z = zp != nullptr ? quant_read(zp->dtype, zp->data, p) : 0;
      fn(i, s, z);
    }
  }

  int64_t operator()(int64_t i) const {
    if (axis_ < 0) return 0;
    if (block_ == 0) return (i / inner_) % x_[axis_];
    int64_t off = 0;
    for (int d = static_cast<int>(x_.size()) - 1; d >= 0; --d) {
      int64_t c = i % x_[d];
      i /= x_[d];
      if (d == axis_) c /= block_;
      off += c * scale_strides_[d];
    }
    return off;
  }

 private:
  Dims x_;
  int axis_ = -1;
  int64_t block_ = 0;
  int64_t inner_ = 1;
  std::vector<int64_t> scale_strides_;
};

// Checks an optional zero point against the scale's shape; its dtype decides the quantized type.
inline Status check_zero_point(const std::string& op, const Tensor* zp, const Tensor& scale) {
  if (zp == nullptr) return Status::Ok();
  if (!is_quant_dtype(zp->dtype)) return unsupported_type(op.c_str(), zp->dtype);
  if (zp->shape != scale.shape && !(zp->numel() == 1 && scale.numel() == 1)) {
    return ShapeMismatch(op + " zero point " + dims_to_string(zp->shape) + " and scale " + dims_to_string(scale.shape) +
                         " differ in shape");
  }
  return Status::Ok();
}

}  // namespace qedge::ref
