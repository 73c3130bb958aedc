// qedge Dequantize: integer X -> float32 Y = (X - zero_point) * scale, per tensor or per index of `axis`
// (attributes scale, zero_point, axis). Where an integer region of a lowered graph hands values to float ops.
#include "common/int_quantize.h"

namespace qedge::ref {
namespace {

class DequantizeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    if (!is_int_storage(x.dtype)) return Unsupported("Dequantize input must be an integer type, got " + std::string(dtype_name(x.dtype)));
    scale_ = ctx.attr().get_floats("scale");
    zero_point_ = ctx.attr().get_floats("zero_point");
    if (scale_.empty() || scale_.size() != zero_point_.size()) {
      return InvalidModel("Dequantize needs scale and zero_point of the same non-zero length");
    }
    QEDGE_ASSIGN_OR_RETURN(inner_, axis_inner(ctx, x.shape, static_cast<int>(ctx.attr().get_int("axis", -1)), scale_.size()));
    set_output(ctx, 0, DType::kFloat32, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    float* y = ctx.output(0)->data_as<float>();
    const int64_t channels = static_cast<int64_t>(scale_.size());
    for (int64_t i = 0, n = x.numel(); i < n; ++i) {
      const size_t c = static_cast<size_t>((i / inner_) % channels);
      y[i] = (static_cast<float>(int_element(x, i)) - zero_point_[c]) * scale_[c];
    }
    return Status::Ok();
  }

 private:
  std::vector<float> scale_, zero_point_;
  int64_t inner_ = 1;
};

}  // namespace

void register_qedge_dequantize(KernelRegistry& r) {
  r.add(kQedgeDomain, "Dequantize", [] { return std::make_unique<DequantizeKernel>(); });
}

}  // namespace qedge::ref
