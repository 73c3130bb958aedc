// Sliding-window geometry shared by the conv and pool kernels (Conv, ConvInteger, DeformConv,
// ConvTranspose, Col2Im, MaxPool, AveragePool, LpPool, MaxUnpool).
// Spatial dims are left-padded to three (a 1-D window becomes 1x1xW), so one set of loops serves
// every rank; the padding dims have size 1, kernel 1, stride 1 and no padding.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

constexpr int kNnMaxSpatial = 3;
// Bound on kernel, stride, dilation and pad attributes: far beyond real models, small enough that
// the window arithmetic on them cannot overflow int64.
constexpr int64_t kNnMaxWindowAttr = int64_t{1} << 31;

using NnDims3 = std::array<int64_t, kNnMaxSpatial>;

struct NnGeometry {
  int nd = 0;  // number of real spatial dims
  NnDims3 in{1, 1, 1};
  NnDims3 kernel{1, 1, 1};
  NnDims3 stride{1, 1, 1};
  NnDims3 dilation{1, 1, 1};
  NnDims3 pad_begin{0, 0, 0};
  NnDims3 pad_end{0, 0, 0};
  NnDims3 out{1, 1, 1};

  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  // Real spatial output dims (without the padding dims).
  Dims out_dims() const { return Dims(out.begin() + (kNnMaxSpatial - nd), out.end()); }
  int64_t extent(int i) const { return (kernel[i] - 1) * dilation[i] + 1; }
};

inline std::string nn_op(const KernelContext& ctx) { return std::string(ctx.op_type); }

// Reads an ints attribute of exactly `len` values in [lo, kNnMaxWindowAttr), or `def` when absent.
inline Status nn_read_ints(const KernelContext& ctx, const char* name, size_t len, int64_t def, int64_t lo,
                           std::vector<int64_t>* out) {
  *out = ctx.attr().get_ints(name, std::vector<int64_t>(len, def));
  if (out->size() != len) {
    return InvalidModel(nn_op(ctx) + " attribute " + name + " has " + std::to_string(out->size()) +
                        " values, expected " + std::to_string(len));
  }
  for (int64_t v : *out) {
    if (v < lo || v >= kNnMaxWindowAttr) {
      return InvalidModel(nn_op(ctx) + " attribute " + name + " has out-of-range value " + std::to_string(v));
    }
  }
  return Status::Ok();
}

// Fills in, kernel, stride, dilation and the explicit pads (attribute `pads`) of `g`.
// `kernel` is the window (kernel_shape or the weight's spatial dims).
inline Status nn_window_attrs(const KernelContext& ctx, const Dims& in_spatial, const Dims& kernel, NnGeometry* g) {
  const int nd = static_cast<int>(in_spatial.size());
  if (nd < 1 || nd > kNnMaxSpatial) {
    return Unsupported(nn_op(ctx) + " supports 1 to 3 spatial dims, got input spatial shape " +
                       dims_to_string(in_spatial));
  }
  if (static_cast<int>(kernel.size()) != nd) {
    return InvalidModel(nn_op(ctx) + " kernel shape " + dims_to_string(kernel) + " does not match input spatial shape " +
                        dims_to_string(in_spatial));
  }
  std::vector<int64_t> strides, dilations, pads;
  QEDGE_RETURN_IF_ERROR(nn_read_ints(ctx, "strides", nd, 1, 1, &strides));
  QEDGE_RETURN_IF_ERROR(nn_read_ints(ctx, "dilations", nd, 1, 1, &dilations));
  QEDGE_RETURN_IF_ERROR(nn_read_ints(ctx, "pads", 2 * nd, 0, 0, &pads));
  g->nd = nd;
  const int off = kNnMaxSpatial - nd;
  for (int i = 0; i < nd; ++i) {
    if (kernel[i] < 1 || kernel[i] >= kNnMaxWindowAttr) {
      return InvalidModel(nn_op(ctx) + " kernel shape " + dims_to_string(kernel) + " has an out-of-range value");
    }
    g->in[off + i] = in_spatial[i];
    g->kernel[off + i] = kernel[i];
    g->stride[off + i] = strides[i];
    g->dilation[off + i] = dilations[i];
    g->pad_begin[off + i] = pads[i];
    g->pad_end[off + i] = pads[nd + i];
  }
  return Status::Ok();
}

// Output size of a forward sliding window (conv, pool): applies auto_pad (NOTSET, VALID, SAME_UPPER,
// SAME_LOWER) and ceil_mode. With ceil_mode a last window that would start in the end padding is
// dropped, as in the ONNX reference and PyTorch.
inline Status nn_forward_output(const KernelContext& ctx, bool ceil_mode, NnGeometry* g) {
  const std::string auto_pad = ctx.attr().get_string("auto_pad", "NOTSET");
  const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
  if (!same && auto_pad != "NOTSET" && auto_pad != "VALID") {
    return InvalidModel(nn_op(ctx) + " attribute auto_pad has unknown value '" + auto_pad + "'");
  }
  for (int i = kNnMaxSpatial - g->nd; i < kNnMaxSpatial; ++i) {
    const int64_t in = g->in[i], s = g->stride[i], ext = g->extent(i);
    if (same) {
      g->out[i] = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (g->out[i] - 1) * s + ext - in);
      const int64_t small = total / 2;
      g->pad_begin[i] = auto_pad == "SAME_UPPER" ? small : total - small;
      g->pad_end[i] = total - g->pad_begin[i];
      continue;
    }
    if (auto_pad == "VALID") g->pad_begin[i] = g->pad_end[i] = 0;
    const int64_t span = in + g->pad_begin[i] + g->pad_end[i] - ext;
    if (span < 0) {
      return InvalidArgument(nn_op(ctx) + " window extent " + std::to_string(ext) + " exceeds padded input size " +
                             std::to_string(in + g->pad_begin[i] + g->pad_end[i]) + " in spatial dim " +
                             std::to_string(i - (kNnMaxSpatial - g->nd)));
    }
    int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= in + g->pad_begin[i]) --out;
    g->out[i] = out;
  }
  return Status::Ok();
}

// First and one-past-last output index o in [0, out) whose input position o * stride + offset lies
// in [0, in): the range over which an innermost loop needs no bounds checks.
inline void nn_valid_range(int64_t offset, int64_t stride, int64_t in, int64_t out, int64_t* lo, int64_t* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = in - 1 - offset < 0 ? 0 : std::min(out, (in - 1 - offset) / stride + 1);
  if (*lo > *hi) *lo = *hi;
}

// Shape [N, C, spatial...] of a conv/pool output.
inline Dims nn_nc_shape(int64_t n, int64_t c, const Dims& spatial) {
  Dims d{n, c};
  d.insert(d.end(), spatial.begin(), spatial.end());
  return d;
}

// Checks that input `i` exists, has rank >= 3 ([N, C, spatial...]) and returns its spatial dims.
inline Status nn_spatial_input(const KernelContext& ctx, int i, Dims* spatial) {
  const Tensor* t = ctx.input(i);
  if (t == nullptr) return InvalidModel(nn_op(ctx) + " requires input " + std::to_string(i));
  if (t->rank() < 3) {
    return InvalidArgument(nn_op(ctx) + " input " + std::to_string(i) + " must have shape [N, C, spatial...], got " +
                           dims_to_string(t->shape));
  }
  spatial->assign(t->shape.begin() + 2, t->shape.end());
  return Status::Ok();
}

}  // namespace qedge::ref
