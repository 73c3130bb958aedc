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

#include "dispatch.h"
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
    return InvalidModel(nn_op(ctx) + " kernel shape " + dims_to_string(kernel) +
                        " does not match input spatial shape " + dims_to_string(in_spatial));
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

// Output sizes come from attributes, so their product is checked like any tensor's element count.
inline Status nn_check_out_size(const KernelContext& ctx, const NnGeometry& g) {
  Result<int64_t> n = checked_num_elements(g.out_dims());
  if (!n.ok()) return InvalidArgument(nn_op(ctx) + " output spatial shape: " + n.status().message());
  return Status::Ok();
}

// Size of a window scattered `stride` apart over `in` positions, (in - 1) * stride + extent, as
// ConvTranspose and MaxUnpool grow their input; an error when it exceeds any tensor's size.
inline Status nn_scatter_size(const KernelContext& ctx, int64_t in, int64_t stride, int64_t extent, int64_t* size) {
  if (in > 0 && in - 1 > (kMaxElements - extent) / stride) {
    return InvalidArgument(nn_op(ctx) + " output size " + std::to_string(in) + " x stride " + std::to_string(stride) +
                           " is too large");
  }
  *size = in > 0 ? (in - 1) * stride + extent : 0;
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
  return nn_check_out_size(ctx, *g);
}

// First and one-past-last output index o in [0, out) whose input position o * stride + offset lies
// in [0, in): the range over which an innermost loop needs no bounds checks.
inline void nn_valid_range(int64_t offset, int64_t stride, int64_t in, int64_t out, int64_t* lo, int64_t* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = in - 1 - offset < 0 ? 0 : std::min(out, (in - 1 - offset) / stride + 1);
  if (*lo > *hi) *lo = *hi;
}

// The window walk of Conv (a = output, b = input) and ConvTranspose (a = input, b = output): for
// each kernel tap k and each row of `a` whose matching row of `b` (b = a * stride - pad_begin +
// k * dilation) is in range, calls fn(tap, a_row, b_row, off_w, lo, hi): tap the flat kernel index,
// a_row and b_row the flat offsets of the two rows, and w in [lo, hi) the positions along the row
// of `a` whose b position w * stride + off_w lies within b's row.
template <typename F>
void nn_for_each_window_row(const NnGeometry& g, const NnDims3& a, const NnDims3& b, F&& fn) {
  for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
    for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
      for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
        const int64_t tap = (kd * g.kernel[1] + kh) * g.kernel[2] + kw;
        const int64_t off_w = kw * g.dilation[2] - g.pad_begin[2];
        int64_t lo, hi;
        nn_valid_range(off_w, g.stride[2], b[2], a[2], &lo, &hi);
        for (int64_t ad = 0; ad < a[0]; ++ad) {
          const int64_t bd = ad * g.stride[0] + kd * g.dilation[0] - g.pad_begin[0];
          if (bd < 0 || bd >= b[0]) continue;
          for (int64_t ah = 0; ah < a[1]; ++ah) {
            const int64_t bh = ah * g.stride[1] + kh * g.dilation[1] - g.pad_begin[1];
            if (bh < 0 || bh >= b[1]) continue;
            fn(tap, (ad * a[1] + ah) * a[2], (bd * b[1] + bh) * b[2], off_w, lo, hi);
          }
        }
      }
    }
  }
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

// Prepare preamble of the spatial kernels with a second input (Conv, ConvInteger, ConvTranspose,
// MaxUnpool): input 0 is [N, C, spatial...] (its spatial dims go to *spatial), input 1 is present,
// and with float_only input 0 has a float type.
inline Status nn_spatial_inputs(const KernelContext& ctx, bool float_only, Dims* spatial) {
  QEDGE_RETURN_IF_ERROR(nn_spatial_input(ctx, 0, spatial));
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  if (!float_only) return Status::Ok();
  return visit_dtype<kFloatTypes>(ctx.input(0)->dtype, nn_op(ctx).c_str(), [](auto) { return Status::Ok(); });
}

}  // namespace qedge::ref
