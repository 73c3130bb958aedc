// Fast qedge QMatMul on 8-bit levels: the exact int16 GEMM (gemm_s16) and the reference's epilogue, so results are
// bit-identical to the reference kernel. XNOR, float inputs and wider levels use the reference kernel.
#include "fallback_kernel.h"
#include "int_operands.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::fast {
namespace {

class FastQMatMul : public FallbackKernel {
 public:
  explicit FastQMatMul(const KernelRegistry& ref) : FallbackKernel(ref, "QMatMul") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    return x && w && x->rank() >= 1 && w->rank() == 2 && int16_gemm_fits(ctx, x->shape.back());
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    trans_b_ = ctx.attr().get_int("trans_b", 0) != 0;
    k_ = x.shape.back();
    n_ = trans_b_ ? w.shape[0] : w.shape[1];
    if ((trans_b_ ? w.shape[1] : w.shape[0]) != k_) {
      return ShapeMismatch("QMatMul inner dimensions differ: X " + dims_to_string(x.shape) + ", W " + dims_to_string(w.shape));
    }
    Dims out = x.shape;
    out.back() = n_;
    return epilogue_.read(ctx, n_, out);
  }

  Status run_fast(KernelContext& ctx) override {
    // Converted per run: nothing guarantees that W is a constant.
    std::vector<int16_t> weights;
    QEDGE_RETURN_IF_ERROR(adjusted_weights(ctx, trans_b_ ? 0 : 1, &weights));
    const std::vector<int16_t> xs = adjusted_input(ctx);
    GemmShape s;
    s.m = static_cast<int64_t>(xs.size()) / k_, s.n = n_, s.k = k_;
    s.lda = k_, s.ldb = trans_b_ ? k_ : n_, s.ldc = n_;
    s.trans_b = trans_b_;
    std::vector<int32_t> acc(static_cast<size_t>(s.m * n_));
    gemm_s16(s, xs.data(), weights.data(), acc.data(), ctx.threads);
    Tensor& y = *ctx.output(0);
    for (int64_t i = 0; i < s.m * n_; ++i) epilogue_.store(y, i, i % n_, static_cast<double>(acc[i]));
    return Status::Ok();
  }

 private:
  bool trans_b_ = false;
  int64_t k_ = 0, n_ = 0;
  ref::IntLinearEpilogue epilogue_;
};

}  // namespace

void register_fast_qmatmul(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QMatMul", [&ref] { return std::make_unique<FastQMatMul>(ref); });
}

}  // namespace qedge::fast
