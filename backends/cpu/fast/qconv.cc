// Fast qedge QConv on 8-bit levels: the exact int16 GEMM (qconv_int16.cc), so results are bit-identical to the
// reference kernel. Depthwise convolutions run depthwise/, layers whose weights fit a byte layout the low-bit GEMM
// (qconv_lowbit.cc), xnor ones the XNOR-popcount path (qconv_xnor.cc), 3x3 stride-1 ones where it was measured faster
// exact integer Winograd (winograd_int/); on AVX-512 VNNI CPUs layers with 8-bit weights that fit s8 take the VNNI
// GEMM (gemm_vnni/); weight-only layers (float X and output) run as float layers (weight_only/); other float
// inputs and wider levels use the reference kernel.
#include <vector>

#include "common/nn_conv.h"
#include "depthwise/depthwise_conv.h"
#include "fallback_kernel.h"
#include "int_weight_paths.h"
#include "qconv_int16.h"
#include "weight_only/weight_only_kernel.h"
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
    if (depthwise_) depthwise_kernel_.prepare(ctx, g_);
    if (!depthwise_ && !paths_.xnor && !paths_.vnni && !paths_.lowbit &&
        !WinogradIntConv3x3::applies(ctx, g_, group_)) {
      int16_.prepare(ctx, g_, group_);
    }
    return epilogue_.read(ctx, ctx.input(1)->shape[0], ctx.output(0)->shape);
  }

  Status run_fast(KernelContext& ctx) override {
    if (paths_.xnor) return run_qconv_xnor(ctx, g_, group_, epilogue_, paths_.xnor_weights);
    if (paths_.vnni) return run_qconv_vnni(ctx, g_, group_, epilogue_, paths_.vnni_weights);
    if (paths_.lowbit) return run_qconv_lowbit(ctx, g_, group_, *paths_.lowbit, epilogue_, paths_.lowbit_weights);
    if (WinogradIntConv3x3::applies(ctx, g_, group_)) return winograd_int_.run(ctx, g_, epilogue_);
    QEDGE_ASSIGN_OR_RETURN(const std::vector<int16_t>* cached, paths_.int16_weights.get(ctx, 0));
    const std::vector<int16_t>& weights = *cached;
    if (depthwise_) {
      depthwise_kernel_.run(ctx, weights, epilogue_, *ctx.output(0));
      return Status::Ok();
    }
    int16_.run(ctx, weights, epilogue_);
    return Status::Ok();
  }

 private:
  ref::NnGeometry g_;
  int64_t group_ = 1;
  bool depthwise_ = false;
  DepthwiseQConv depthwise_kernel_;
  QConvInt16 int16_;
  Requant epilogue_;
  IntWeightPaths paths_;
  WinogradIntConv3x3 winograd_int_;
};

}  // namespace

void register_fast_qconv(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QConv", [&ref] { return weight_only_qconv_or(ref, std::make_unique<FastQConv>(ref)); });
}

}  // namespace qedge::fast
