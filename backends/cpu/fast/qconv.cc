// Fast qedge QConv on 8-bit levels: per image and group, acc[M/g, out] = W[M/g, C/g * kernel] * col (int16 im2col of
// x - x_zero_point, 0 in the padding) on the exact int16 GEMM, then the reference's epilogue, so results are
// bit-identical to the reference kernel. Depthwise convolutions run depthwise/, layers whose weights fit a byte layout
// the low-bit GEMM (qconv_lowbit.cc), xnor ones the XNOR-popcount path (qconv_xnor.cc), 3x3 stride-1 ones where it
// was measured faster exact integer Winograd (winograd_int/); on AVX-512 VNNI CPUs layers with 8-bit weights that
// fit s8 take the VNNI GEMM (gemm_vnni/); float inputs and wider levels use the reference kernel.
#include <algorithm>
#include <vector>

#include "common/nn_conv.h"
#include "depthwise/depthwise_conv.h"
#include "fallback_kernel.h"
#include "im2col.h"
#include "int_weight_paths.h"
#include "qedge/cpu_fast/gemm_s16.h"
#include "requant.h"
#include "winograd_int/winograd_int_conv3x3.h"

namespace qedge::fast {
namespace {

class FastQConv : public FallbackKernel {
 public:
  explicit FastQConv(const KernelRegistry& ref) : FallbackKernel(ref, "QConv") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (depthwise_qconv_applies(ctx)) return true;
    if (!x || !w || x->rank() < 3 || x->rank() > 5 || w->rank() != x->rank() || w->shape[0] <= 0) return false;
    if (xnor_applies(ctx)) return true;
    // Thin groups keep the reference's loops.
    const int64_t group = ctx.attr().get_int("group", 1), k = num_elements(w->shape) / w->shape[0];
    return group > 0 && w->shape[0] / group >= 4 && k >= 8 && int16_gemm_fits(ctx, k);
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(ref::nn_conv_prepare(ctx, DType::kFloat32, &g_, &group_));
    const Tensor& w = *ctx.input(1);
    depthwise_ = !xnor_applies(ctx) && depthwise_qconv_applies(ctx);
    paths_.choose(ctx, num_elements(w.shape) / w.shape[0], !depthwise_);
    return epilogue_.read(ctx, ctx.input(1)->shape[0], ctx.output(0)->shape);
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    if (paths_.xnor) return run_qconv_xnor(ctx, g_, group_, epilogue_, paths_.xnor_weights);
    if (paths_.vnni) return run_qconv_vnni(ctx, g_, group_, epilogue_, paths_.vnni_weights);
    if (paths_.lowbit) return run_qconv_lowbit(ctx, g_, group_, *paths_.lowbit, epilogue_, paths_.lowbit_weights);
    if (WinogradIntConv3x3::applies(ctx, g_, group_)) return winograd_int_.run(ctx, g_, epilogue_);
    QEDGE_ASSIGN_OR_RETURN(const std::vector<int16_t>* cached, paths_.int16_weights.get(ctx, 0));
    const std::vector<int16_t>& weights = *cached;
    if (depthwise_) {
      depthwise_qconv(ctx, g_, weights, epilogue_, y);
      return Status::Ok();
    }
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
          const int64_t map = grp * mg + m;
          requant_run(epilogue_, acc.data() + m * out_size, out_size, map, 0, y, (n * maps + map) * out_size);
        }
      }
    }
    return Status::Ok();
  }

 private:
  ref::NnGeometry g_;
  int64_t group_ = 1;
  bool depthwise_ = false;
  ref::IntLinearEpilogue epilogue_;
  IntWeightPaths paths_;
  WinogradIntConv3x3 winograd_int_;
};

}  // namespace

void register_fast_qconv(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QConv", [&ref] { return std::make_unique<FastQConv>(ref); });
}

}  // namespace qedge::fast
