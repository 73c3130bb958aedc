// Helpers shared by the data-movement ("shape" family) reference kernels: byte-wise element
// copies, reading shape/axes/index inputs, axis normalization and an index odometer.
#pragma once

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

inline std::string op_name(const KernelContext& ctx) { return std::string(ctx.op_type); }

// Bytes per element for kernels that move elements without looking at them; an error for
// sub-byte and string types, which cannot be addressed one element at a time.
inline Result<size_t> element_bytes(const KernelContext& ctx, DType t) {
  const int bits = dtype_bits(t);
  if (bits < 8 || t == DType::kString) return unsupported_type(op_name(ctx).c_str(), t);
  return static_cast<size_t>(bits / 8);
}

// For kernels that copy the whole buffer unchanged: any type with a storage size, packed int4 included.
inline Status require_storable(const KernelContext& ctx, DType t) {
  if (dtype_bits(t) == 0) return unsupported_type(op_name(ctx).c_str(), t);
  return Status::Ok();
}

// Copies element `src_i` of `src` to element `dst_i` of `dst` (elements of `esize` bytes).
inline void copy_element(void* dst, int64_t dst_i, const void* src, int64_t src_i, size_t esize) {
  std::memcpy(static_cast<uint8_t*>(dst) + dst_i * esize, static_cast<const uint8_t*>(src) + src_i * esize, esize);
}

// memcpy that tolerates the null data pointers of empty tensors, and dst == src (the memory plan aliases a
// Reshape-like output with its input; there is nothing to copy then).
inline void copy_bytes(void* dst, const void* src, size_t n) {
  if (n > 0 && dst != src) std::memcpy(dst, src, n);
}

// Reads the int32/int64 values of input i (which must be present); the output shape depends on
// them, so this calls require_value first.
inline Status read_int_input(const KernelContext& ctx, int i, std::vector<int64_t>* out) {
  QEDGE_RETURN_IF_ERROR(require_value(ctx, i));
  const Tensor& t = *ctx.input(i);
  const std::string what = op_name(ctx) + " input " + std::to_string(i);
  return read_int_values(t.dtype, t.data, t.numel(), what.c_str(), out);
}

// Validates a computed output shape (no negative dims, element count in range).
inline Status check_shape(const KernelContext& ctx, const Dims& dims) {
  auto n = checked_num_elements(dims);
  if (!n.ok()) {
    return InvalidArgument(op_name(ctx) + " output shape " + dims_to_string(dims) + ": " + n.status().message());
  }
  return Status::Ok();
}

// Normalizes a list of axes against `rank`; duplicates are an error.
inline Result<std::vector<int>> normalize_axes(const KernelContext& ctx, const std::vector<int64_t>& axes, int rank) {
  std::vector<int> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    const std::string what = op_name(ctx) + " axes";
    QEDGE_ASSIGN_OR_RETURN(int n, normalize_axis(a, rank, what.c_str()));
    if (seen[n]) return InvalidModel(op_name(ctx) + " axes contain axis " + std::to_string(a) + " twice");
    seen[n] = true;
    out.push_back(n);
  }
  return out;
}

// Reads an index from an int32/int64 tensor, wraps a negative one by `dim` (ONNX semantics) and
// checks the result lies in [0, dim).
inline Result<int64_t> read_index(const KernelContext& ctx, const Tensor& indices, int64_t i, int64_t dim) {
  int64_t v = indices.dtype == DType::kInt64 ? indices.data_as<int64_t>()[i]
                                             : static_cast<int64_t>(indices.data_as<int32_t>()[i]);
  const int64_t raw = v;
  if (v < 0) v += dim;
  if (v < 0 || v >= dim) {
    return InvalidArgument(op_name(ctx) + " index " + std::to_string(raw) + " is out of range for a dimension of " +
                           std::to_string(dim));
  }
  return v;
}

inline Status require_index_type(const KernelContext& ctx, const Tensor& t, const char* what) {
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64) {
    return InvalidModel(op_name(ctx) + " " + what + " must be int32 or int64, got " + dtype_name(t.dtype));
  }
  return Status::Ok();
}

// Checks shared by the Gather and Scatter kernels: n inputs, data (input 0) with byte-sized elements,
// indices (input 1) of int32 or int64. Returns data's element size.
inline Result<size_t> prepare_indexed_data(const KernelContext& ctx, int n) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, n));
  QEDGE_ASSIGN_OR_RETURN(size_t esize, element_bytes(ctx, ctx.input(0)->dtype));
  QEDGE_RETURN_IF_ERROR(require_index_type(ctx, *ctx.input(1), "indices"));
  return esize;
}

// The `axis` attribute of Gather, GatherElements and ScatterElements, normalized against data x
// (which must have rank >= 1).
inline Result<int> read_data_axis(const KernelContext& ctx, const Tensor& x) {
  if (x.rank() == 0) return InvalidModel(op_name(ctx) + " data must have rank >= 1");
  const std::string what = op_name(ctx) + " axis";
  return normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), what.c_str());
}

// Whether an indices shape fits data for GatherElements/ScatterElements: the same rank, and no
// larger than data along every axis but `axis`.
inline bool indices_fit_data(const Dims& ind, const Dims& x, int axis) {
  bool ok = ind.size() == x.size();
  for (int d = 0; ok && d < static_cast<int>(x.size()); ++d) ok = d == axis || ind[d] <= x[d];
  return ok;
}

// Data offset that index tuple ind[first, first + len) addresses in dims dim0, dim0 + 1, ... of data
// (GatherND, ScatterND); each index is wrapped and range-checked.
inline Result<int64_t> index_tuple_offset(const KernelContext& ctx, const Tensor& ind, int64_t first, int64_t len,
                                          const Dims& shape, const std::vector<int64_t>& strides, size_t dim0) {
  int64_t off = 0;
  for (int64_t k = 0; k < len; ++k) {
    QEDGE_ASSIGN_OR_RETURN(int64_t v, read_index(ctx, ind, first + k, shape[dim0 + k]));
    off += v * strides[dim0 + k];
  }
  return off;
}

// Visits every index of `dims` in row-major order: fn(const std::vector<int64_t>& idx, int64_t flat).
template <typename F>
void for_each_index(const Dims& dims, F&& fn) {
  const int64_t total = num_elements(dims);
  std::vector<int64_t> idx(dims.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    fn(static_cast<const std::vector<int64_t>&>(idx), flat);
    for (int d = static_cast<int>(dims.size()) - 1; d >= 0; --d) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
}

// Flat offset of `idx` given row-major strides.
inline int64_t offset_of(const std::vector<int64_t>& idx, const std::vector<int64_t>& strides) {
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * strides[d];
  return off;
}

// For each element i of indices `ind` (GatherElements, ScatterElements): fn(i, off), where off is the
// data offset of i's own position with the `axis` coordinate replaced by the index it holds.
template <typename F>
Status for_each_axis_index(const KernelContext& ctx, const Tensor& x, const Tensor& ind, int axis, F&& fn) {
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  Status status;
  for_each_index(ind.shape, [&](const std::vector<int64_t>& idx, int64_t i) {
    if (!status.ok()) return;
    auto k = read_index(ctx, ind, i, x.shape[axis]);
    if (!k.ok()) {
      status = k.status();
      return;
    }
    fn(i, offset_of(idx, strides) + (*k - idx[axis]) * strides[axis]);
  });
  return status;
}

// Product of dims[begin, end).
inline int64_t dims_product(const Dims& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < dims.size(); ++i) p *= dims[i];
  return p;
}

// Along one axis, copies slice src_k of `src` to slice dst_k of `dst` for each (dst_k, src_k) = pos(k),
// k in [0, count), in each of `outer` leading rows. A slice is `slice_bytes` bytes; the axis holds
// src_dim slices in `src` and dst_dim in `dst`.
template <typename Pos>
void copy_axis_slices(void* dst, int64_t dst_dim, const void* src, int64_t src_dim, int64_t outer, int64_t slice_bytes,
                      int64_t count, Pos pos) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < count; ++k) {
      const auto [dk, sk] = pos(k);
      copy_bytes(d + (o * dst_dim + dk) * slice_bytes, s + (o * src_dim + sk) * slice_bytes, slice_bytes);
    }
  }
}

// Prepare preamble of the kernels that copy elements of input 0 as the int values of input 1 direct
// (Expand's shape, Tile's repeats): reads those values into *values.
inline Status read_copy_plan(const KernelContext& ctx, std::vector<int64_t>* values) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  QEDGE_RETURN_IF_ERROR(element_bytes(ctx, ctx.input(0)->dtype).status());
  return read_int_input(ctx, 1, values);
}

// Checks the shape of a copying kernel's output and sets output 0 to it, with input 0's type.
inline Status set_copy_output(KernelContext& ctx, Dims out) {
  QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
  set_output(ctx, 0, ctx.input(0)->dtype, std::move(out));
  return Status::Ok();
}

// Prepare preamble of the kernels that only reshape their one input (Flatten, Squeeze, Unsqueeze):
// any type with a storage size.
inline Status require_storable_input(const KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  return require_storable(ctx, ctx.input(0)->dtype);
}

// Squeeze/Unsqueeze axes: the `axes` attribute before opset 13, then input 1 (which must be present
// when input_required). Returns whether axes were given: an attribute present, or a non-empty input.
inline Result<bool> read_reshape_axes(const KernelContext& ctx, bool input_required, std::vector<int64_t>* axes) {
  if (ctx.opset < 13) {
    *axes = ctx.attr().get_ints("axes");
    return ctx.attr().has("axes");
  }
  if (input_required) QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  if (ctx.input(1) == nullptr) return false;
  QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, axes));
  return !axes->empty();
}

// Kernels whose output is the input's bytes under a new shape (Reshape, Flatten, Squeeze, ...).
inline Status run_copy_input(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  copy_bytes(ctx.output(0)->data, x.data, x.nbytes());
  return Status::Ok();
}

// Three-way compare with NaN ordered after every number and equal to itself, so sorting has a
// strict weak order whatever the data.
template <typename C>
int compare_values(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace qedge::ref
