#include "common/nn_conv.h"

namespace qedge::ref {
namespace {

class ConvKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const DType t = ctx.input(0)->dtype;
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(t, "Conv", [](auto) { return Status::Ok(); }));
    if (ctx.input(1)->dtype != t) {
      return InvalidModel(std::string("Conv weight type ") + dtype_name(ctx.input(1)->dtype) +
                          " differs from input type " + dtype_name(t));
    }
    QEDGE_RETURN_IF_ERROR(nn_conv_prepare(ctx, t, &g_, &group_));
    const Tensor* b = ctx.input(2);
    if (b != nullptr && (b->dtype != t || b->shape != Dims{ctx.input(1)->shape[0]})) {
      return ShapeMismatch("Conv bias must be a " + std::string(dtype_name(t)) + " vector of " +
                           std::to_string(ctx.input(1)->shape[0]) + " values, got " + dtype_name(b->dtype) + " " +
                           dims_to_string(b->shape));
    }
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(x.dtype, "Conv", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> xb, wb, bb, yb;
      nn_conv_forward<A>(ctx, g_, x.shape[0], x.shape[1], w.shape[0], group_, nn_as_compute<A, T>(x, &xb),
                         nn_as_compute<A, T>(w, &wb), b ? nn_as_compute<A, T>(*b, &bb) : nullptr,
                         nn_compute_out<A, T>(y, &yb));
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  NnGeometry g_;
  int64_t group_ = 1;
};

}  // namespace

void register_conv(KernelRegistry& r) {
  r.add("", "Conv", [] { return std::make_unique<ConvKernel>(); });
}

}  // namespace qedge::ref
