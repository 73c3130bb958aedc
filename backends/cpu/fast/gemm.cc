// Fast float32 Gemm, Y = alpha * A * B' + beta * C with transA = 0 (B' = B or its transpose), on the blocked GEMM;
// C broadcasts to [M, N] as ONNX allows. transA = 1 and other types use the reference kernel; the forms XNNPACK's fully
// connected operator takes run there (xnnpack/xnn_fully_connected.cc). A constant A is packed once, by the first run.
#include "activation_epilogue.h"
#include "fallback_kernel.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::fast {
namespace {

class FastGemm : public FallbackKernel {
 public:
  explicit FastGemm(const KernelRegistry& ref) : FallbackKernel(ref, "Gemm") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    const Tensor* c = ctx.input(2);
    return a && b && a->dtype == DType::kFloat32 && b->dtype == DType::kFloat32 && a->rank() == 2 && b->rank() == 2 &&
           (!c || (c->dtype == DType::kFloat32 && c->rank() <= 2)) && ctx.attr().get_int("transA", 0) == 0;
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    trans_b_ = ctx.attr().get_int("transB", 0) != 0;
    QEDGE_ASSIGN_OR_RETURN(act_, fused_activation(ctx));
    m_ = a.shape[0], k_ = a.shape[1], n_ = trans_b_ ? b.shape[0] : b.shape[1];
    if ((trans_b_ ? b.shape[1] : b.shape[0]) != k_) {
      return ShapeMismatch("Gemm inner dimensions differ: A " + dims_to_string(a.shape) + ", B " + dims_to_string(b.shape));
    }
    if (const Tensor* c = ctx.input(2)) {
      const int64_t cm = c->rank() == 2 ? c->shape[0] : 1, cn = c->rank() >= 1 ? c->shape.back() : 1;
      if ((cm != 1 && cm != m_) || (cn != 1 && cn != n_)) {
        return ShapeMismatch("Gemm C of shape " + dims_to_string(c->shape) + " does not broadcast to [" +
                             std::to_string(m_) + "," + std::to_string(n_) + "]");
      }
    }
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = {m_, n_};
    QEDGE_ASSIGN_OR_RETURN(xnn_, make_xnn_fully_connected(ctx));
    packed_a_.prepare(xnn_ ? Tensor{} : a, 1, m_, k_);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    if (xnn_) return xnn_->run(ctx);
    GemmShape s;
    s.m = m_, s.n = n_, s.k = k_;
    s.lda = k_, s.ldb = ctx.input(1)->shape[1], s.ldc = n_;
    s.trans_b = trans_b_;
    float* y = ctx.output(0)->data_as<float>();
    packed_a_.pack_once(ctx.threads);
    gemm_f32(s, ctx.input(0)->data_as<float>(), packed_a_.matrix(0), ctx.input(1)->data_as<float>(), y, false,
             ctx.threads);
    const float alpha = ctx.attr().get_float("alpha", 1.0f), beta = ctx.attr().get_float("beta", 1.0f);
    const Tensor* c = ctx.input(2);
    const int64_t cm = c && c->rank() == 2 ? c->shape[0] : 1, cn = c && c->rank() >= 1 ? c->shape.back() : 1;
    for (int64_t i = 0; i < m_; ++i) {
      for (int64_t j = 0; j < n_; ++j) {
        float v = alpha * y[i * n_ + j];
        if (c) v += beta * c->data_as<float>()[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
        y[i * n_ + j] = v;
      }
      bias_activation_rows(act_, nullptr, y + i * n_, 1, n_);
    }
    return Status::Ok();
  }

 private:
  bool trans_b_ = false;
  int64_t m_ = 0, n_ = 0, k_ = 0;
  ref::Activation act_;
  std::unique_ptr<XnnPath> xnn_;
  GemmF32ConstantA packed_a_;  // A, when it is a constant
};

}  // namespace

void register_fast_gemm(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Gemm", [&ref] { return std::make_unique<FastGemm>(ref); });
  r.add("qedge", "FusedGemm", [&ref] { return std::make_unique<FastGemm>(ref); });
}

}  // namespace qedge::fast
