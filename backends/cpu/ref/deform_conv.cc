#include <cmath>

#include "common/nn_conv.h"
#include "common/nn_matmul.h"

namespace qedge::ref {
namespace {

// Bilinear sample of a [height, width] plane at (h, w); positions outside contribute zero, as in the
// ONNX reference. NaN positions fail the range test and sample zero too.
template <typename A>
A bilinear(const A* plane, int64_t height, int64_t width, A h, A w) {
  if (!(h > -1 && h < static_cast<A>(height) && w > -1 && w < static_cast<A>(width))) return A(0);
  const A hf = std::floor(h), wf = std::floor(w);
  const int64_t h0 = static_cast<int64_t>(hf), w0 = static_cast<int64_t>(wf);
  const A dh = h - hf, dw = w - wf;
  A v = 0;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 2; ++j) {
      const int64_t y = h0 + i, x = w0 + j;
      if (y < 0 || y >= height || x < 0 || x >= width) continue;
      v += (i ? dh : 1 - dh) * (j ? dw : 1 - dw) * plane[y * width + x];
    }
  }
  return v;
}

// 2-D deformable convolution: each kernel tap samples the input at its regular position plus a
// learned (dh, dw) offset per output position (shared by the channels of one offset group),
// optionally scaled by a mask. Computed as a sampled im2col followed by one matrix product per group.
class DeformConvKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "DeformConv", [](auto) { return Status::Ok(); }));
    if (x.rank() != 4)
      return Unsupported("DeformConv supports 2-D inputs [N, C, H, W], got " + dims_to_string(x.shape));
    QEDGE_RETURN_IF_ERROR(nn_conv_prepare(ctx, x.dtype, &g_, &group_));
    offset_groups_ = ctx.attr().get_int("offset_group", 1);
    if (offset_groups_ < 1 || x.shape[1] % offset_groups_ != 0) {
      return InvalidModel("DeformConv offset_group " + std::to_string(offset_groups_) + " does not divide the " +
                          std::to_string(x.shape[1]) + " input channels");
    }
    const int64_t taps = g_.kernel_size();
    const Dims out = ctx.output(0)->shape;
    const Dims want_offset{x.shape[0], offset_groups_ * taps * 2, out[2], out[3]};
    const Dims want_mask{x.shape[0], offset_groups_ * taps, out[2], out[3]};
    const Tensor* b = ctx.input(3);
    const Tensor* mask = ctx.input(4);
    if (ctx.input(1)->dtype != x.dtype || ctx.input(2)->dtype != x.dtype || ctx.input(2)->shape != want_offset) {
      return ShapeMismatch("DeformConv weight and offset must be " + std::string(dtype_name(x.dtype)) +
                           ", offset of shape " + dims_to_string(want_offset) + ", got " +
                           dims_to_string(ctx.input(2)->shape));
    }
    if (b != nullptr && (b->dtype != x.dtype || b->shape != Dims{out[1]})) {
      return ShapeMismatch("DeformConv bias must have shape [" + std::to_string(out[1]) + "], got " +
                           dims_to_string(b->shape));
    }
    if (mask != nullptr && (mask->dtype != x.dtype || mask->shape != want_mask)) {
      return ShapeMismatch("DeformConv mask must have shape " + dims_to_string(want_mask) + ", got " +
                           dims_to_string(mask->shape));
    }
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "DeformConv", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> xb, wb, ob, bb, mb, yb;
      const A* in = nn_as_compute<A, T>(x, &xb);
      const A* w = nn_as_compute<A, T>(*ctx.input(1), &wb);
      const A* offset = nn_as_compute<A, T>(*ctx.input(2), &ob);
      const A* bias = ctx.input(3) ? nn_as_compute<A, T>(*ctx.input(3), &bb) : nullptr;
      const A* mask = ctx.input(4) ? nn_as_compute<A, T>(*ctx.input(4), &mb) : nullptr;
      A* out = nn_compute_out<A, T>(y, &yb);
      const int64_t batch = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
      const int64_t maps = y.shape[1], oh = g_.out[1], ow = g_.out[2], o_sz = oh * ow;
      const int64_t kh = g_.kernel[1], kw = g_.kernel[2], taps = kh * kw;
      const int64_t cpo = c / offset_groups_, cg = c / group_, mg = maps / group_;
      std::vector<A> cols(static_cast<size_t>(c * taps * o_sz));
      for (int64_t n = 0; n < batch; ++n) {
        // cols[(ch * taps + tap), o] = mask * input sampled at the tap's offset position.
        for (int64_t ch = 0; ch < c; ++ch) {
          const int64_t og = ch / cpo;
          const A* plane = in + (n * c + ch) * height * width;
          for (int64_t t = 0; t < taps; ++t) {
            const A* off_h = offset + ((n * offset_groups_ + og) * taps * 2 + 2 * t) * o_sz;
            const A* off_w = off_h + o_sz;
            const A* m = mask ? mask + ((n * offset_groups_ + og) * taps + t) * o_sz : nullptr;
            for (int64_t o = 0; o < o_sz; ++o) {
              const A h =
                  static_cast<A>((o / ow) * g_.stride[1] - g_.pad_begin[1] + (t / kw) * g_.dilation[1]) + off_h[o];
              const A wp =
                  static_cast<A>((o % ow) * g_.stride[2] - g_.pad_begin[2] + (t % kw) * g_.dilation[2]) + off_w[o];
              cols[(ch * taps + t) * o_sz + o] = bilinear(plane, height, width, h, wp) * (m ? m[o] : A(1));
            }
          }
        }
        A* yn = out + n * maps * o_sz;
        for (int64_t m = 0; m < maps; ++m) std::fill(yn + m * o_sz, yn + (m + 1) * o_sz, bias ? bias[m] : A(0));
        for (int64_t gi = 0; gi < group_; ++gi) {
          nn_gemm_rows<A>(0, mg, o_sz, cg * taps, {w + gi * mg * cg * taps, cg * taps, 1},
                          {cols.data() + gi * cg * taps * o_sz, o_sz, 1}, yn + gi * mg * o_sz);
        }
      }
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  NnGeometry g_;
  int64_t group_ = 1;
  int64_t offset_groups_ = 1;
};

}  // namespace

void register_deform_conv(KernelRegistry& r) {
  r.add("", "DeformConv", [] { return std::make_unique<DeformConvKernel>(); });
}

}  // namespace qedge::ref
