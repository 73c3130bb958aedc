// Fast qedge QMatMul on 8-bit levels: the exact int16 GEMM (gemm_s16) and the reference's epilogue, so results are
// bit-identical to the reference kernel. Weights that fit a byte layout take the low-bit GEMM (qmatmul_lowbit.cc),
// xnor nodes the XNOR-popcount path (qmatmul_xnor.cc); weight-only layers (float X and output) run as float layers
// (weight_only/); other float inputs and wider levels use the reference kernel.
#include "fallback_kernel.h"
#include "int_op_scratch.h"
#include "int_weight_paths.h"
#include "qedge/cpu_fast/gemm_s16.h"
#include "requant.h"
#include "weight_only/weight_only_kernel.h"

namespace qedge::fast {
namespace {

class FastQMatMul : public FallbackKernel {
 public:
  explicit FastQMatMul(const KernelRegistry& ref) : FallbackKernel(ref, "QMatMul") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w || x->rank() < 1 || w->rank() != 2) return false;
    return xnor_applies(ctx) ? x->shape.back() > 0 : int16_gemm_fits(ctx, x->shape.back());
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(const ref::QMatMulShape shape, ref::qmatmul_shape(ctx));
    trans_b_ = shape.trans_b, k_ = shape.k, n_ = shape.n;
    paths_.choose(ctx, k_, true);
    return epilogue_.read(ctx, n_, shape.out);
  }

  Status run_fast(KernelContext& ctx) override {
    if (paths_.xnor) return run_qmatmul_xnor(ctx, k_, n_, trans_b_, epilogue_, paths_.xnor_weights);
    if (paths_.vnni) return run_qmatmul_vnni(ctx, k_, n_, trans_b_, epilogue_, paths_.vnni_weights);
    if (paths_.lowbit) {
      return run_qmatmul_lowbit(ctx, k_, n_, trans_b_, *paths_.lowbit, epilogue_, paths_.lowbit_weights);
    }
    QEDGE_ASSIGN_OR_RETURN(const std::vector<int16_t>* weights, paths_.int16_weights.get(ctx, trans_b_ ? 0 : 1));
    IntOpScratch& scratch = IntOpScratch::mine();
    const int64_t numel = ctx.input(0)->numel();
    int16_t* xs = scratch.xs.grow(static_cast<size_t>(numel));
    adjust_input(ctx, 0, numel, xs);
    GemmShape s;
    s.m = numel / k_, s.n = n_, s.k = k_;
    s.lda = k_, s.ldb = trans_b_ ? k_ : n_, s.ldc = n_;
    s.trans_b = trans_b_;
    int32_t* acc = scratch.acc.grow(static_cast<size_t>(s.m * n_));
    gemm_s16(s, xs, weights->data(), acc, ctx.threads);
    Tensor& y = *ctx.output(0);
    for (int64_t r = 0; r < s.m; ++r) requant_run(epilogue_, acc + r * n_, n_, 0, 1, y, r * n_);
    return Status::Ok();
  }

 private:
  bool trans_b_ = false;
  int64_t k_ = 0, n_ = 0;
  Requant epilogue_;
  IntWeightPaths paths_;
};

}  // namespace

void register_fast_qmatmul(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QMatMul",
        [&ref] { return weight_only_qmatmul_or(ref, std::make_unique<FastQMatMul>(ref)); });
}

}  // namespace qedge::fast
