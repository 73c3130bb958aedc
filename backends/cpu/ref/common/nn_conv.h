// Direct (im2col-free) convolution loops shared by Conv and ConvInteger.
#pragma once

#include <algorithm>
#include <type_traits>
#include <vector>

#include "int_math.h"
#include "nn_compute.h"
#include "nn_geometry.h"

namespace qedge::ref {

// Grouped convolution, x [N, C, in...], w [M, C/group, kernel...], bias [M] or null, y [N, M, out...]:
//   y[n, m, o] = bias[m] + sum_{c, k} w[m, c, k] * x[n, group_of(m) * C/group + c, o * stride - pad + k * dilation]
// Each (n, m) output plane is one task; the innermost loop runs along the contiguous output row.
template <typename A>
void nn_conv_forward(const KernelContext& ctx, const NnGeometry& g, int64_t batch, int64_t channels, int64_t maps,
                     int64_t group, const A* x, const A* w, const A* bias, A* y) {
  const int64_t cg = channels / group, mg = maps / group;
  const int64_t in_sz = g.in_size(), out_sz = g.out_size(), k_sz = g.kernel_size();
  ctx.parallel_for(batch * maps, [&](int64_t begin, int64_t end) {
    for (int64_t nm = begin; nm < end; ++nm) {
      const int64_t n = nm / maps, m = nm % maps;
      A* yp = y + nm * out_sz;
      std::fill(yp, yp + out_sz, bias ? bias[m] : A(0));
      for (int64_t c = 0; c < cg; ++c) {
        const A* xp = x + (n * channels + (m / mg) * cg + c) * in_sz;
        const A* wp = w + (m * cg + c) * k_sz;
        for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
          for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
            for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
              const A wv = wp[(kd * g.kernel[1] + kh) * g.kernel[2] + kw];
              const int64_t off_w = kw * g.dilation[2] - g.pad_begin[2];
              int64_t lo, hi;
              nn_valid_range(off_w, g.stride[2], g.in[2], g.out[2], &lo, &hi);
              for (int64_t od = 0; od < g.out[0]; ++od) {
                const int64_t id = od * g.stride[0] + kd * g.dilation[0] - g.pad_begin[0];
                if (id < 0 || id >= g.in[0]) continue;
                for (int64_t oh = 0; oh < g.out[1]; ++oh) {
                  const int64_t ih = oh * g.stride[1] + kh * g.dilation[1] - g.pad_begin[1];
                  if (ih < 0 || ih >= g.in[1]) continue;
                  A* yrow = yp + (od * g.out[1] + oh) * g.out[2];
                  const A* xrow = xp + (id * g.in[1] + ih) * g.in[2];
                  if (g.stride[2] == 1) {
                    for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] = wrap_add(yrow[ow], wrap_mul(wv, xrow[ow + off_w]));
                  } else {
                    for (int64_t ow = lo; ow < hi; ++ow) {
                      yrow[ow] = wrap_add(yrow[ow], wrap_mul(wv, xrow[ow * g.stride[2] + off_w]));
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  });
}

// Shape checks shared by Conv and ConvInteger: x [N, C, in...], w [M, C/group, kernel...]; fills the
// geometry (kernel from w, checked against kernel_shape) and sets output 0 to [N, M, out...].
inline Status nn_conv_prepare(KernelContext& ctx, DType out_type, NnGeometry* g, int64_t* group) {
  Dims in_spatial;
  QEDGE_RETURN_IF_ERROR(nn_spatial_input(ctx, 0, &in_spatial));
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& w = *ctx.input(1);
  if (w.rank() != x.rank()) {
    return ShapeMismatch(nn_op(ctx) + " weight shape " + dims_to_string(w.shape) + " does not match input shape " +
                         dims_to_string(x.shape));
  }
  *group = ctx.attr().get_int("group", 1);
  const int64_t c = x.shape[1], m = w.shape[0];
  if (*group < 1 || c % *group != 0 || m % *group != 0 || w.shape[1] * *group != c) {
    return ShapeMismatch(nn_op(ctx) + " group " + std::to_string(*group) + " does not fit input shape " +
                         dims_to_string(x.shape) + " and weight shape " + dims_to_string(w.shape));
  }
  const Dims kernel(w.shape.begin() + 2, w.shape.end());
  if (ctx.attr().has("kernel_shape") && ctx.attr().get_ints("kernel_shape") != kernel) {
    return ShapeMismatch(nn_op(ctx) + " kernel_shape " + dims_to_string(ctx.attr().get_ints("kernel_shape")) +
                         " does not match weight shape " + dims_to_string(w.shape));
  }
  QEDGE_RETURN_IF_ERROR(nn_window_attrs(ctx, in_spatial, kernel, g));
  QEDGE_RETURN_IF_ERROR(nn_forward_output(ctx, false, g));
  set_output(ctx, 0, out_type, nn_nc_shape(x.shape[0], m, g->out_dims()));
  return Status::Ok();
}

}  // namespace qedge::ref
