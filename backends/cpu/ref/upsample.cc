#include "common/reduce_resize.h"

namespace qedge::ref {

namespace {

// Upsample (deprecated Resize): asymmetric coordinates, nearest rounds down. Scales are an
// attribute in opset 7 and input 1 from opset 9.
class UpsampleKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(x.dtype, "Upsample", [](auto) { return Status::Ok(); }));
    const std::string mode = ctx.attr().get_string("mode", "nearest");
    if (mode != "nearest" && mode != "linear" && mode != "bilinear") {
      return InvalidArgument("Upsample mode '" + mode + "' is not supported");
    }
    params_.mode = mode == "nearest" ? ResizeParams::Mode::kNearest : ResizeParams::Mode::kLinear;
    params_.coord = "asymmetric";
    params_.nearest = "floor";
    scales_.clear();
    if (ctx.opset < 9) {
      for (float s : ctx.attr().get_floats("scales")) scales_.push_back(s);
    } else {
      QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
      QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
      const Tensor& s = *ctx.input(1);
      if (!dtype_is_float(s.dtype)) return InvalidArgument("Upsample scales must be float");
      for (int64_t i = 0; i < s.numel(); ++i) scales_.push_back(read_as_double(s.dtype, s.data, i));
    }
    if (static_cast<int>(scales_.size()) != x.rank()) {
      return InvalidArgument("Upsample needs one scale per dimension of " + dims_to_string(x.shape) + ", got " +
                             std::to_string(scales_.size()));
    }
    Dims out = x.shape;
    for (int d = 0; d < x.rank(); ++d) {
      QEDGE_ASSIGN_OR_RETURN(out[d], resize_scaled_size(x.shape[d], scales_[d], "Upsample"));
    }
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kNumericTypes>(x.dtype, "Upsample", [&](auto tag) {
      resize_nd<typename decltype(tag)::type>(params_, x, *ctx.output(0), scales_, {});
      return Status::Ok();
    });
  }

 private:
  ResizeParams params_;
  std::vector<double> scales_;
};

}  // namespace

void register_upsample(KernelRegistry& r) {
  r.add("", "Upsample", [] { return std::make_unique<UpsampleKernel>(); });
}

}  // namespace qedge::ref
