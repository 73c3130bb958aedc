// The depthwise 3x3 form of qedge.NhwcConv on the channels-last row kernel: taps rearranged once to [9][C] (per run
// when the weights are not constants), output rows split across threads, Relu and ordered Clip as the kernel's
// bounds and any other fused activation applied afterwards.
#include "nhwc/nhwc_depthwise_3x3.h"

#include <algorithm>
#include <vector>

#include "activation_epilogue.h"
#include "common/kernel_util.h"
#include "nhwc/depthwise_3x3_nhwc.h"
#include "nhwc/nhwc_conv_form.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {
#if defined(__x86_64__)
namespace {

// The depthwise 3x3 form: one tap per map and channel (group = channels = maps), 3x3, dilation 1.
bool depthwise_3x3_form(const KernelContext& ctx, NhwcConvForm* f) {
  return read_nhwc_conv_form(ctx, f) && f->group == f->channels && f->maps == f->channels && f->kh == 3 &&
         f->kw == 3 && f->dilation_h == 1 && f->dilation_w == 1;
}

class NhwcDepthwise3x3 : public OpKernel {
 public:
  NhwcDepthwise3x3(const NhwcConvForm& f, const ref::Activation& act) : form_(f), clamp_(output_clamp(act)) {}

  Status prepare(KernelContext& ctx) override {
    ref::set_output(ctx, 0, DType::kFloat32, Dims{form_.batch, form_.out_h, form_.out_w, form_.channels});
    zeros_.assign(static_cast<size_t>(form_.in_w * form_.channels), 0.0f);
    const Tensor* b = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
    packed_ = false;
    if (ctx.input(1)->constant && (!b || b->constant)) {
      pack(ctx);
      packed_ = true;
    }
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    if (!packed_) pack(ctx);
    const NhwcConvForm& f = form_;
    const float* x = ctx.input(0)->data_as<float>();
    float* y = ctx.output(0)->data_as<float>();
    if (ctx.output(0)->numel() == 0) return Status::Ok();
    ctx.parallel_for(f.batch * f.out_h, [&](int64_t begin, int64_t end) {
      DepthwiseNhwcRow r;
      r.in_w = f.in_w, r.channels = f.channels, r.stride = f.stride_w, r.pad_left = f.left, r.out_w = f.out_w;
      r.w = taps_.data(), r.bias = bias_.data(), r.lo = clamp_.lo, r.hi = clamp_.hi, r.relu = clamp_.relu;
      for (int64_t row = begin; row < end; ++row) {
        const int64_t n = row / f.out_h, oy = row % f.out_h;
        for (int ky = 0; ky < 3; ++ky) {
          const int64_t iy = oy * f.stride_h - f.top + ky;
          r.rows[ky] = iy >= 0 && iy < f.in_h ? x + (n * f.in_h + iy) * f.in_w * f.channels : zeros_.data();
        }
        r.y = y + row * f.out_w * f.channels;
        depthwise_3x3_nhwc_row_f32_avx2_fma(r);
      }
    });
    activation_rows_parallel(ctx, clamp_.after, y, ctx.output(0)->numel() / f.channels, f.channels);
    return Status::Ok();
  }

 private:
  // taps_[k * C + c] = w[c][k]; bias_ the node's bias or zeros.
  void pack(const KernelContext& ctx) {
    const int64_t c = form_.channels;
    const float* w = ctx.input(1)->data_as<float>();
    taps_.resize(static_cast<size_t>(9 * c));
    for (int64_t ch = 0; ch < c; ++ch) {
      for (int64_t k = 0; k < 9; ++k) taps_[static_cast<size_t>(k * c + ch)] = w[ch * 9 + k];
    }
    const Tensor* b = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
    bias_.assign(static_cast<size_t>(c), 0.0f);
    if (b) std::copy(b->data_as<float>(), b->data_as<float>() + c, bias_.begin());
  }

  NhwcConvForm form_;
  OutputClamp clamp_;
  std::vector<float> taps_, bias_, zeros_;
  bool packed_ = false;
};

}  // namespace
#endif

Result<std::unique_ptr<OpKernel>> make_nhwc_depthwise_3x3(KernelContext& ctx) {
#if defined(__x86_64__)
  NhwcConvForm f;
  if (!cpu_features().avx2_fma || ctx.num_outputs() != 1 || !depthwise_3x3_form(ctx, &f)) {
    return std::unique_ptr<OpKernel>();
  }
  QEDGE_ASSIGN_OR_RETURN(const ref::Activation act, fused_activation(ctx));
  auto k = std::make_unique<NhwcDepthwise3x3>(f, act);
  QEDGE_RETURN_IF_ERROR(k->prepare(ctx));
  return std::unique_ptr<OpKernel>(std::move(k));
#else
  (void)ctx;
  return std::unique_ptr<OpKernel>();
#endif
}

}  // namespace qedge::fast
