// Direct (im2col-free) convolution loops shared by Conv and ConvInteger.
#pragma once

#include <algorithm>
#include <type_traits>
#include <vector>

#include "int_math.h"
#include "nn_compute.h"
#include "nn_geometry.h"

namespace qedge::ref {

// The plane loop of Conv and ConvTranspose, x [N, C, in...], y [N, M, out...] in `group` groups:
// each (n, m) output plane is one task; it starts as bias[m] (0 without bias), then
// fn(yp, xp, m, ci) runs for each input channel ci of m's group, yp and xp pointing at the planes
// y[n, m] and x[n, group_of(m) * C/group + ci]. Tasks never write the same element.
template <typename A, typename F>
void nn_for_each_group_plane(const KernelContext& ctx, int64_t batch, int64_t channels, int64_t maps, int64_t group,
                             int64_t in_sz, int64_t out_sz, const A* x, const A* bias, A* y, F&& fn) {
  const int64_t cg = channels / group, mg = maps / group;
  ctx.parallel_for(batch * maps, [&](int64_t begin, int64_t end) {
    for (int64_t nm = begin; nm < end; ++nm) {
      const int64_t n = nm / maps, m = nm % maps;
      A* yp = y + nm * out_sz;
      std::fill(yp, yp + out_sz, bias ? bias[m] : A(0));
      for (int64_t ci = 0; ci < cg; ++ci) fn(yp, x + (n * channels + (m / mg) * cg + ci) * in_sz, m, ci);
    }
  });
}

// Grouped convolution, x [N, C, in...], w [M, C/group, kernel...], bias [M] or null, y [N, M, out...]:
//   y[n, m, o] = bias[m] + sum_{c, k} w[m, c, k] * x[n, group_of(m) * C/group + c, o * stride - pad + k * dilation]
// Each (n, m) output plane is one task; the innermost loop runs along the contiguous output row.
template <typename A>
void nn_conv_forward(const KernelContext& ctx, const NnGeometry& g, int64_t batch, int64_t channels, int64_t maps,
                     int64_t group, const A* x, const A* w, const A* bias, A* y) {
  const int64_t cg = channels / group, k_sz = g.kernel_size();
  auto plane = [&](A* yp, const A* xp, int64_t m, int64_t c) {
    const A* wp = w + (m * cg + c) * k_sz;
    auto row = [&](int64_t tap, int64_t orow, int64_t irow, int64_t off_w, int64_t lo, int64_t hi) {
      const A wv = wp[tap];
      A* yrow = yp + orow;
      const A* xrow = xp + irow;
      if (g.stride[2] == 1) {
        for (int64_t ow = lo; ow < hi; ++ow) yrow[ow] = wrap_add(yrow[ow], wrap_mul(wv, xrow[ow + off_w]));
      } else {
        for (int64_t ow = lo; ow < hi; ++ow) {
          yrow[ow] = wrap_add(yrow[ow], wrap_mul(wv, xrow[ow * g.stride[2] + off_w]));
        }
      }
    };
    nn_for_each_window_row(g, g.out, g.in, row);
  };
  nn_for_each_group_plane(ctx, batch, channels, maps, group, g.in_size(), g.out_size(), x, bias, y, plane);
}

// Shape checks shared by Conv and ConvInteger: x [N, C, in...], w [M, C/group, kernel...]; fills the
// geometry (kernel from w, checked against kernel_shape) and sets output 0 to [N, M, out...].
inline Status nn_conv_prepare(KernelContext& ctx, DType out_type, NnGeometry* g, int64_t* group) {
  Dims in_spatial;
  QEDGE_RETURN_IF_ERROR(nn_spatial_inputs(ctx, /*float_only=*/false, &in_spatial));
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
