// Fast qedge Quantize (float32 in, per-tensor quantizer): the vectorized levels of requant_avx2.cc, bit-identical to
// the reference, split across threads; per-axis quantizers and other rounding modes use the reference kernel.
#include "per_tensor_quantize.h"

namespace qedge::fast {
namespace {

class FastQuantize : public PerTensorQuantize {
 public:
  explicit FastQuantize(const KernelRegistry& ref) : PerTensorQuantize(ref, "Quantize") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return x && x->dtype == DType::kFloat32 && ctx.attr().get_floats("scale").size() == 1 &&
           ctx.attr().get_int("axis", -1) < 0;
  }

  Status read_spec(KernelContext& ctx, ref::QuantizeSpec* spec) override { return spec->read(ctx, ""); }
};

}  // namespace

void register_fast_quantize(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "Quantize", [&ref] { return std::make_unique<FastQuantize>(ref); });
}

}  // namespace qedge::fast
