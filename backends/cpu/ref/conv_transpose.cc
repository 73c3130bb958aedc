#include "common/nn_conv.h"

namespace qedge::ref {
namespace {

int64_t floor_div2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

class ConvTransposeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    Dims in_spatial;
    QEDGE_RETURN_IF_ERROR(nn_spatial_inputs(ctx, /*float_only=*/true, &in_spatial));
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    group_ = ctx.attr().get_int("group", 1);
    if (w.dtype != x.dtype || w.rank() != x.rank() || group_ < 1 || w.shape[0] != x.shape[1] ||
        x.shape[1] % group_ != 0) {
      return ShapeMismatch("ConvTranspose weight " + std::string(dtype_name(w.dtype)) + " " + dims_to_string(w.shape) +
                           " with group " + std::to_string(group_) + " does not fit input " + dtype_name(x.dtype) +
                           " " + dims_to_string(x.shape));
    }
    maps_ = w.shape[1] * group_;
    const Tensor* b = ctx.input(2);
    if (b != nullptr && (b->dtype != x.dtype || b->shape != Dims{maps_})) {
      return ShapeMismatch("ConvTranspose bias must have shape [" + std::to_string(maps_) + "], got " +
                           dims_to_string(b->shape));
    }
    const Dims kernel(w.shape.begin() + 2, w.shape.end());
    QEDGE_RETURN_IF_ERROR(nn_window_attrs(ctx, in_spatial, kernel, &g_));
    const size_t nd = in_spatial.size();
    std::vector<int64_t> output_padding;
    QEDGE_RETURN_IF_ERROR(nn_read_ints(ctx, "output_padding", nd, 0, 0, &output_padding));
    Dims output_shape = ctx.attr().get_ints("output_shape");
    if (output_shape.size() == nd + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    if (!output_shape.empty() && output_shape.size() != nd) {
      return InvalidModel("ConvTranspose output_shape " + dims_to_string(output_shape) + " does not match " +
                          std::to_string(nd) + " spatial dims");
    }
    const std::string auto_pad = ctx.attr().get_string("auto_pad", "NOTSET");
    const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
    for (size_t j = 0; j < nd; ++j) {
      const int i = static_cast<int>(kNnMaxSpatial - nd + j);
      // Size of the full (unpadded) scatter.
      int64_t full;
      QEDGE_RETURN_IF_ERROR(nn_scatter_size(ctx, g_.in[i], g_.stride[i], output_padding[j] + g_.extent(i), &full));
      if (!output_shape.empty() || same) {
        // The padding is whatever turns the full size into the requested one, split as the spec says.
        const int64_t want = !output_shape.empty() ? output_shape[j] : g_.in[i] * g_.stride[i];
        if (want < 0 || want >= kNnMaxWindowAttr) {
          return InvalidModel("ConvTranspose output size " + std::to_string(want) + " is out of range");
        }
        const int64_t total = full - want;
        const bool upper = auto_pad == "SAME_UPPER";
        g_.pad_begin[i] = upper ? floor_div2(total) : total - floor_div2(total);
        g_.pad_end[i] = total - g_.pad_begin[i];
      } else if (auto_pad == "VALID") {
        g_.pad_begin[i] = g_.pad_end[i] = 0;
      } else if (auto_pad != "NOTSET") {
        return InvalidModel("ConvTranspose attribute auto_pad has unknown value '" + auto_pad + "'");
      }
      g_.out[i] = full - g_.pad_begin[i] - g_.pad_end[i];
      if (g_.out[i] < 0) {
        return InvalidArgument("ConvTranspose pads exceed the output size in spatial dim " + std::to_string(j));
      }
    }
    QEDGE_RETURN_IF_ERROR(nn_check_out_size(ctx, g_));
    set_output(ctx, 0, x.dtype, nn_nc_shape(x.shape[0], maps_, g_.out_dims()));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "ConvTranspose", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> xb, wb, bb, yb;
      scatter<A>(ctx, x.shape[0], x.shape[1], nn_as_compute<A, T>(x, &xb), nn_as_compute<A, T>(*ctx.input(1), &wb),
                 b ? nn_as_compute<A, T>(*b, &bb) : nullptr, nn_compute_out<A, T>(y, &yb));
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  // y[n, m, i * stride - pad + k * dilation] += x[n, c, i] * w[c, m % (M/group), k] for the channels c
  // of m's group. Each (n, m) output plane is one task, so tasks never write the same element.
  template <typename A>
  void scatter(const KernelContext& ctx, int64_t batch, int64_t channels, const A* x, const A* w, const A* bias,
               A* y) const {
    const int64_t cg = channels / group_, mg = maps_ / group_, k_sz = g_.kernel_size();
    auto plane = [&](A* yp, const A* xp, int64_t m, int64_t ci) {
      const int64_t c = (m / mg) * cg + ci;
      const A* wp = w + (c * mg + m % mg) * k_sz;
      auto row = [&](int64_t tap, int64_t irow, int64_t orow, int64_t off_w, int64_t lo, int64_t hi) {
        const A wv = wp[tap];
        A* yrow = yp + orow;
        const A* xrow = xp + irow;
        for (int64_t iw = lo; iw < hi; ++iw) yrow[iw * g_.stride[2] + off_w] += wv * xrow[iw];
      };
      nn_for_each_window_row(g_, g_.in, g_.out, row);
    };
    nn_for_each_group_plane(ctx, batch, channels, maps_, group_, g_.in_size(), g_.out_size(), x, bias, y, plane);
  }

  NnGeometry g_;
  int64_t group_ = 1;
  int64_t maps_ = 0;
};

}  // namespace

void register_conv_transpose(KernelRegistry& r) {
  r.add("", "ConvTranspose", [] { return std::make_unique<ConvTransposeKernel>(); });
}

}  // namespace qedge::ref
