#include "common/nn_compute.h"
#include "common/nn_geometry.h"

namespace qedge::ref {
namespace {

// Inverse of im2col: input [N, C * prod(block_shape), L] holds, for each of the L sliding-block
// positions over the padded image, the block's values; they are summed back into [N, C, image_shape...].
class Col2ImKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "Col2Im", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 2));
    Dims image, block;
    QEDGE_RETURN_IF_ERROR(
        read_int_values(ctx.input(1)->dtype, ctx.input(1)->data, ctx.input(1)->numel(), "Col2Im image_shape", &image));
    QEDGE_RETURN_IF_ERROR(
        read_int_values(ctx.input(2)->dtype, ctx.input(2)->data, ctx.input(2)->numel(), "Col2Im block_shape", &block));
    for (int64_t d : image) {
      if (d < 0 || d >= kNnMaxWindowAttr)
        return InvalidArgument("Col2Im image_shape " + dims_to_string(image) + " is out of range");
    }
    QEDGE_RETURN_IF_ERROR(nn_window_attrs(ctx, image, block, &g_));
    QEDGE_RETURN_IF_ERROR(nn_forward_output(ctx, false, &g_));
    const int64_t k = g_.kernel_size();
    if (x.rank() != 3 || x.shape[1] % k != 0 || x.shape[2] != g_.out_size()) {
      return ShapeMismatch("Col2Im input shape " + dims_to_string(x.shape) + " does not match block_shape " +
                           dims_to_string(block) + " and " + std::to_string(g_.out_size()) + " block positions");
    }
    set_output(ctx, 0, x.dtype, nn_nc_shape(x.shape[0], x.shape[1] / k, image));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "Col2Im", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> xb, yb;
      const A* in = nn_as_compute<A, T>(x, &xb);
      A* out = nn_compute_out<A, T>(y, &yb);
      const int64_t planes = y.shape[0] * y.shape[1];
      const int64_t k_sz = g_.kernel_size(), l_sz = g_.out_size(), img = g_.in_size();
      std::fill(out, out + planes * img, A(0));
      for (int64_t pl = 0; pl < planes; ++pl) {
        for (int64_t k = 0; k < k_sz; ++k) {
          const NnDims3 kp{k / (g_.kernel[1] * g_.kernel[2]), (k / g_.kernel[2]) % g_.kernel[1], k % g_.kernel[2]};
          for (int64_t l = 0; l < l_sz; ++l) {
            const NnDims3 lp{l / (g_.out[1] * g_.out[2]), (l / g_.out[2]) % g_.out[1], l % g_.out[2]};
            int64_t pos = 0;
            bool inside = true;
            for (int i = 0; i < kNnMaxSpatial; ++i) {
              const int64_t p = lp[i] * g_.stride[i] - g_.pad_begin[i] + kp[i] * g_.dilation[i];
              inside = inside && p >= 0 && p < g_.in[i];
              pos = pos * g_.in[i] + p;
            }
            if (inside) out[pl * img + pos] += in[(pl * k_sz + k) * l_sz + l];
          }
        }
      }
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  NnGeometry g_;
};

}  // namespace

void register_col2im(KernelRegistry& r) {
  r.add("", "Col2Im", [] { return std::make_unique<Col2ImKernel>(); });
}

}  // namespace qedge::ref
