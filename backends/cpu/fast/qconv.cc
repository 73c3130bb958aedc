// Fast qedge QConv on 8-bit levels: per image and group, acc[M/g, out] = W[M/g, C/g * kernel] * col (int16 im2col of
// x - x_zero_point, 0 in the padding) on the exact int16 GEMM, then the reference's epilogue, so results are
// bit-identical to the reference kernel. XNOR, float inputs and wider levels use the reference kernel.
#include <vector>

#include "common/nn_conv.h"
#include "fallback_kernel.h"
#include "im2col.h"
#include "int_operands.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::fast {
namespace {

class FastQConv : public FallbackKernel {
 public:
  explicit FastQConv(const KernelRegistry& ref) : FallbackKernel(ref, "QConv") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w || x->rank() < 3 || x->rank() > 5 || w->rank() != x->rank() || w->shape[0] <= 0) return false;
    return int16_gemm_fits(ctx, num_elements(w->shape) / w->shape[0]);
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(ref::nn_conv_prepare(ctx, DType::kFloat32, &g_, &group_));
    return epilogue_.read(ctx, ctx.input(1)->shape[0], ctx.output(0)->shape);
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    std::vector<int16_t> weights;
    QEDGE_RETURN_IF_ERROR(adjusted_weights(ctx, 0, &weights));
    const std::vector<int16_t> xs = adjusted_input(ctx);
    const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
    const int64_t cg = channels / group_, mg = maps / group_, k = cg * g_.kernel_size();
    const int64_t in_size = g_.in_size(), out_size = g_.out_size();
    std::vector<int16_t> col(static_cast<size_t>(k * out_size));
    std::vector<int32_t> acc(static_cast<size_t>(mg * out_size));
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t grp = 0; grp < group_; ++grp) {
        im2col(g_, xs.data() + (n * channels + grp * cg) * in_size, cg, col.data());
        GemmShape s;
        s.m = mg, s.n = out_size, s.k = k;
        s.lda = k, s.ldb = out_size, s.ldc = out_size;
        gemm_s16(s, weights.data() + grp * mg * k, col.data(), acc.data(), ctx.threads);
        for (int64_t m = 0; m < mg; ++m) {
          const int64_t map = grp * mg + m, base = (n * maps + map) * out_size;
          for (int64_t o = 0; o < out_size; ++o) epilogue_.store(y, base + o, map, static_cast<double>(acc[m * out_size + o]));
        }
      }
    }
    return Status::Ok();
  }

 private:
  ref::NnGeometry g_;
  int64_t group_ = 1;
  ref::IntLinearEpilogue epilogue_;
};

}  // namespace

void register_fast_qconv(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QConv", [&ref] { return std::make_unique<FastQConv>(ref); });
}

}  // namespace qedge::fast
