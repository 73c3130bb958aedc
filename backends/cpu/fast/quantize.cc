// Fast qedge Quantize (float32 in, per-tensor quantizer): the vectorized levels of requant_avx2.cc, bit-identical to
// the reference, split across threads; per-axis quantizers and other rounding modes use the reference kernel.
#include "fallback_kernel.h"
#include "requant.h"

namespace qedge::fast {
namespace {

class FastQuantize : public FallbackKernel {
 public:
  explicit FastQuantize(const KernelRegistry& ref) : FallbackKernel(ref, "Quantize") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && x->dtype == DType::kFloat32 && ctx.attr().get_floats("scale").size() == 1 &&
           ctx.attr().get_int("axis", -1) < 0;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(spec_.read(ctx, ""));
    ctx.output(0)->dtype = spec_.to;
    ctx.output(0)->shape = ctx.input(0)->shape;
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    quantize_run(ctx, spec_, *ctx.input(0), *ctx.output(0));
    return Status::Ok();
  }

 private:
  ref::QuantizeSpec spec_;
};

}  // namespace

void register_fast_quantize(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "Quantize", [&ref] { return std::make_unique<FastQuantize>(ref); });
}

}  // namespace qedge::fast
