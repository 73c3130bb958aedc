// Weight-only QMatMul (float X [..., K], integer W [K, N] or [N, K] with trans_b, float Y) as a qedge.FusedGemm of the
// fast kernels (gemm.cc: XNNPACK's fully connected operator where it is built in, else the blocked GEMM) on X seen as
// [rows, K]; see weight_only_kernel.h.
#include "common/int_linear.h"
#include "weight_only_kernel.h"

namespace qedge::fast {

void register_fast_gemm(KernelRegistry& r, const KernelRegistry& ref);

namespace {

class WeightOnlyQMatMul : public WeightOnlyOr {
 public:
  using WeightOnlyOr::WeightOnlyOr;

 protected:
  Status prepare_float(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(const ref::QMatMulShape s, ref::qmatmul_shape(ctx));
    const Dims& x = ctx.input(0)->shape;
    const int64_t rows = num_elements(Dims(x.begin(), x.end() - 1));
    AttrMap attrs;
    attrs.set(int_attr("transB", s.trans_b ? 1 : 0));
    // W's output channels (N) are its columns, or its rows when transposed.
    return layer_.prepare(ctx, "FusedGemm", std::move(attrs), {rows, s.k}, {rows, s.n}, s.trans_b ? 0 : 1,
                          fast_kernel(register_fast_gemm, "FusedGemm"));
  }
};

}  // namespace

std::unique_ptr<OpKernel> weight_only_qmatmul_or(const KernelRegistry& ref, std::unique_ptr<OpKernel> integer) {
  return std::make_unique<WeightOnlyQMatMul>(ref, std::move(integer));
}

}  // namespace qedge::fast
