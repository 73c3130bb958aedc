// qedge Quantize: float32 X -> integer levels Y (QuantizeSpec attributes of common/int_quantize.h), per tensor
// or per index of `axis`. Lowered from activation quantizers (QONNX Quant/BipolarQuant) that feed integer ops.
#include "common/int_quantize.h"

namespace qedge::ref {
namespace {

class QuantizeKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    if (x.dtype != DType::kFloat32) return Unsupported("Quantize input must be float32, got " + std::string(dtype_name(x.dtype)));
    QEDGE_RETURN_IF_ERROR(spec_.read(ctx, ""));
    QEDGE_ASSIGN_OR_RETURN(inner_, axis_inner(ctx, x.shape, spec_.axis, spec_.scale.size()));
    set_output(ctx, 0, spec_.to, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const int64_t channels = static_cast<int64_t>(spec_.scale.size());
    for (int64_t i = 0, n = x.numel(); i < n; ++i) {
      set_int_element(y, i, spec_.level(x.data_as<float>()[i], static_cast<size_t>((i / inner_) % channels)));
    }
    return Status::Ok();
  }

 private:
  QuantizeSpec spec_;
  int64_t inner_ = 1;
};

}  // namespace

void register_qedge_quantize(KernelRegistry& r) {
  r.add(kQedgeDomain, "Quantize", [] { return std::make_unique<QuantizeKernel>(); });
}

}  // namespace qedge::ref
