// Fast float32 Conv: per image and group, Y[M/g, out] = W[M/g, C/g * kernel] * col[C/g * kernel, out] on the
// blocked GEMM, where col is the im2col matrix (or the input itself for 1x1 convolutions with stride 1 and no
// padding). Shape checks and geometry are the reference kernel's (nn_conv_prepare). Depthwise forms XNNPACK takes run
// there (xnnpack/xnn_depthwise_conv.cc). A constant weight is packed for the GEMM once: room reserved at prepare,
// packed by the first run.
#include <algorithm>
#include <vector>

#include "activation_epilogue.h"
#include "common/nn_conv.h"
#include "conv_f32_im2col_blocks.h"
#include "depthwise/depthwise_conv.h"
#include "fallback_kernel.h"
#include "im2col.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "winograd/winograd_conv3x3.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::fast {
namespace {

class FastConv : public FallbackKernel {
 public:
  explicit FastConv(const KernelRegistry& ref) : FallbackKernel(ref, "Conv") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    const Tensor* b = ctx.input(2);
    if (!x || !w || x->dtype != DType::kFloat32 || w->dtype != DType::kFloat32 || (b && b->dtype != DType::kFloat32) ||
        x->rank() < 3 || x->rank() > 5 || w->rank() != x->rank()) {
      return false;
    }
    const int64_t group = ctx.attr().get_int("group", 1);
    if (is_depthwise(*x, *w, group)) return true;
    // Other thin groups (a few output maps, short dot products) run faster as the reference's direct loops than as
    // GEMMs whose packing costs as much as their arithmetic.
    const int64_t per_group_maps = group > 0 ? w->shape[0] / group : 0;
    return per_group_maps >= 4 && num_elements(w->shape) / std::max<int64_t>(w->shape[0], 1) >= 8;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(ref::nn_conv_prepare(ctx, DType::kFloat32, &g_, &group_));
    QEDGE_ASSIGN_OR_RETURN(act_, fused_activation(ctx));
    // Measured on mobilenet_v2's depthwise layers (BM_DepthwiseConvFast): our plane kernels win at stride 1 on planes
    // of 56x56 and more (1.4-1.9x), XNNPACK's NCHW kernels on smaller planes and at stride 2 (1.1-3x).
    const bool own_depthwise_wins =
        g_.out_size() >= 32 * 32 && g_.stride[0] == 1 && g_.stride[1] == 1 && g_.stride[2] == 1;
    if (!own_depthwise_wins) xnn_ = make_xnn_depthwise_conv(ctx);
    const Tensor* b = ctx.input(2);
    if (b != nullptr && b->shape != Dims{ctx.input(1)->shape[0]}) {
      return ShapeMismatch("Conv bias must be a vector of " + std::to_string(ctx.input(1)->shape[0]) + " values, got " +
                           dims_to_string(b->shape));
    }
    depthwise_ = is_depthwise(*ctx.input(0), *ctx.input(1), group_);
    pointwise_ = g_.kernel_size() == 1;
    for (int d = 0; d < ref::kNnMaxSpatial; ++d) {
      pointwise_ &= g_.stride[d] == 1 && g_.pad_begin[d] == 0 && g_.pad_end[d] == 0 && g_.out[d] == g_.in[d];
    }
    const int64_t batch = ctx.input(0)->shape[0], channels = ctx.input(0)->shape[1], maps = ctx.input(1)->shape[0];
    winograd_tile_ = WinogradConv3x3::covers(g_, group_) ? WinogradConv3x3::best_tile(g_, batch) : 0;
    if (winograd_tile_ > 0) winograd_.plan(g_, batch, channels, maps, winograd_tile_);
    const int64_t mg = maps / group_, k = channels / group_ * g_.kernel_size();
    const bool gemm = !xnn_ && winograd_tile_ == 0 && !depthwise_;
    packed_w_.prepare(gemm ? *ctx.input(1) : Tensor{}, group_, mg, k);
    const bool col = gemm && !pointwise_ && !im2col_blocks_apply(g_, mg, k);
    col_.resize(col ? static_cast<size_t>(k * g_.out_size()) : 0);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    if (xnn_ || winograd_tile_ > 0) {
      QEDGE_RETURN_IF_ERROR(xnn_ ? xnn_->run(ctx) : winograd_.run(ctx));
      activation_rows_parallel(ctx, act_, y.data_as<float>(), y.shape[0] * y.shape[1], g_.out_size());
      return Status::Ok();
    }
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    if (depthwise_) {
      depthwise_conv_f32(ctx, g_, x, w, b, y, act_);
      return Status::Ok();
    }
    const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
    const int64_t cg = channels / group_, mg = maps / group_, taps = g_.kernel_size();
    const int64_t in_size = g_.in_size(), out_size = g_.out_size(), k = cg * taps;
    const bool blocks = !pointwise_ && im2col_blocks_apply(g_, mg, k);
    packed_w_.pack_once(ctx.threads);
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t grp = 0; grp < group_; ++grp) {
        const float* xg = x.data_as<float>() + (n * channels + grp * cg) * in_size;
        float* yg = y.data_as<float>() + (n * maps + grp * mg) * out_size;
        const float* bg = b ? b->data_as<float>() + grp * mg : nullptr;
        if (blocks) {
          conv_f32_im2col_blocks(ctx, g_, xg, cg, w.data_as<float>() + grp * mg * k, packed_w_.matrix(grp), bg, act_,
                                 mg, yg);
          continue;
        }
        if (!pointwise_) im2col_parallel(ctx, g_, xg, cg, col_.data());
        GemmShape s;
        s.m = mg, s.n = out_size, s.k = k;
        s.lda = k, s.ldb = out_size, s.ldc = out_size;
        gemm_f32(s, w.data_as<float>() + grp * mg * k, packed_w_.matrix(grp), pointwise_ ? xg : col_.data(), yg, false,
                 ctx.threads);
        bias_activation_rows_parallel(ctx, act_, bg, yg, mg, out_size);
      }
    }
    return Status::Ok();
  }

 private:
  ref::NnGeometry g_;
  int64_t group_ = 1;
  bool depthwise_ = false;
  bool pointwise_ = false;
  int64_t winograd_tile_ = 0;  // Winograd output tile edge, 0: im2col + GEMM
  WinogradConv3x3 winograd_;
  GemmF32ConstantA packed_w_;  // per group, when the weight is a constant
  std::vector<float> col_;     // the im2col matrix, when neither 1x1 nor conv_f32_im2col_blocks
  ref::Activation act_;
  std::unique_ptr<XnnPath> xnn_;
};

}  // namespace

void register_fast_conv(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Conv", [&ref] { return std::make_unique<FastConv>(ref); });
  r.add("qedge", "FusedConv", [&ref] { return std::make_unique<FastConv>(ref); });
}

}  // namespace qedge::fast
