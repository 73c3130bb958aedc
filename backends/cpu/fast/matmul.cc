// Fast float32 MatMul for A [..., M, K] times a 2-D B [K, N]: all leading dims of A fold into the rows of one
// blocked GEMM, or of XNNPACK's fully connected operator when it is built in (xnnpack/xnn_fully_connected.cc).
// Batched or broadcast B, and without XNNPACK fewer than 6 rows (a GEMV, where packing does not pay), use the
// reference kernel.
#include "fallback_kernel.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::fast {
namespace {

class FastMatMul : public FallbackKernel {
 public:
  explicit FastMatMul(const KernelRegistry& ref) : FallbackKernel(ref, "MatMul") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b || a->dtype != DType::kFloat32 || b->dtype != DType::kFloat32 || a->rank() < 2 || b->rank() != 2) {
      return false;
    }
    if (xnn_fully_connected_fits(ctx)) return true;
    const int64_t k = a->shape.back();
    return k == b->shape[0] && k > 0 && a->numel() / k >= 6;
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    Dims out = a.shape;
    out.back() = b.shape[1];
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = out;
    xnn_ = make_xnn_fully_connected(ctx);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    if (xnn_) return xnn_->run(ctx);
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    GemmShape s;
    s.k = a.shape.back();
    s.m = a.numel() / s.k;
    s.n = b.shape[1];
    s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
    gemm_f32(s, a.data_as<float>(), b.data_as<float>(), ctx.output(0)->data_as<float>(), false, ctx.threads);
    return Status::Ok();
  }

 private:
  std::unique_ptr<XnnPath> xnn_;
};

}  // namespace

void register_fast_matmul(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "MatMul", [&ref] { return std::make_unique<FastMatMul>(ref); });
}

}  // namespace qedge::fast
