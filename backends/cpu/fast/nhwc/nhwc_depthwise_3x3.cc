// The depthwise 3x3 form of qedge.NhwcConv on the channels-last row kernel: taps rearranged once to [9][C] (per run
// when the weights are not constants), output rows split across threads, Relu and ordered Clip as the kernel's
// bounds and any other fused activation applied afterwards.
#include "nhwc/nhwc_depthwise_3x3.h"

#include <cmath>
#include <vector>

#include "activation_epilogue.h"
#include "common/kernel_util.h"
#include "nhwc/depthwise_3x3_nhwc.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {
#if defined(__x86_64__)
namespace {

struct Form {
  int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  int64_t stride_h = 1, stride_w = 1, top = 0, left = 0;
  int64_t out_h = 0, out_w = 0;
};

bool is_float(const Tensor* t) { return t && t->dtype == DType::kFloat32; }

bool read_form(const KernelContext& ctx, Form* f) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  const Tensor* b = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
  if (ctx.num_inputs() > 3 || ctx.num_outputs() != 1 || !is_float(x) || !is_float(w) || (b && !is_float(b)) ||
      x->rank() != 4) {
    return false;
  }
  f->batch = x->shape[0], f->in_h = x->shape[1], f->in_w = x->shape[2], f->channels = x->shape[3];
  if (f->channels < 1 || ctx.attr().get_int("group", 1) != f->channels || w->shape != Dims{f->channels, 3, 3, 1} ||
      (b && b->shape != Dims{f->channels})) {
    return false;
  }
  const std::vector<int64_t> strides = ctx.attr().get_ints("strides", {1, 1});
  const std::vector<int64_t> pads = ctx.attr().get_ints("pads", {0, 0, 0, 0});
  if (ctx.attr().get_string("auto_pad", "NOTSET") != "NOTSET" ||
      ctx.attr().get_ints("kernel_shape", {3, 3}) != std::vector<int64_t>{3, 3} ||
      ctx.attr().get_ints("dilations", {1, 1}) != std::vector<int64_t>{1, 1} || strides.size() != 2 ||
      strides[0] < 1 || strides[1] < 1 || pads.size() != 4) {
    return false;
  }
  for (int64_t p : pads) {
    if (p < 0) return false;
  }
  f->stride_h = strides[0], f->stride_w = strides[1], f->top = pads[0], f->left = pads[1];
  const int64_t padded_h = f->in_h + pads[0] + pads[2], padded_w = f->in_w + pads[1] + pads[3];
  if (padded_h < 3 || padded_w < 3) return false;
  f->out_h = (padded_h - 3) / f->stride_h + 1;
  f->out_w = (padded_w - 3) / f->stride_w + 1;
  return true;
}

class NhwcDepthwise3x3 : public OpKernel {
 public:
  NhwcDepthwise3x3(const Form& f, const ref::Activation& act) : form_(f) {
    if (act.kind == ref::ActivationKind::kRelu) {
      lo_ = 0.0f;
      relu_ = true;
    } else if (act.kind == ref::ActivationKind::kClip && act.min < act.max) {
      lo_ = act.min, hi_ = act.max;
    } else {
      after_ = act;
    }
  }

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
    const Form& f = form_;
    const float* x = ctx.input(0)->data_as<float>();
    float* y = ctx.output(0)->data_as<float>();
    if (ctx.output(0)->numel() == 0) return Status::Ok();
    ctx.parallel_for(f.batch * f.out_h, [&](int64_t begin, int64_t end) {
      DepthwiseNhwcRow r;
      r.in_w = f.in_w, r.channels = f.channels, r.stride = f.stride_w, r.pad_left = f.left, r.out_w = f.out_w;
      r.w = taps_.data(), r.bias = bias_.data(), r.lo = lo_, r.hi = hi_, r.relu = relu_;
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
    activation_rows_parallel(ctx, after_, y, ctx.output(0)->numel() / f.channels, f.channels);
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

  Form form_;
  ref::Activation after_;
  float lo_ = -INFINITY, hi_ = INFINITY;
  bool relu_ = false;
  std::vector<float> taps_, bias_, zeros_;
  bool packed_ = false;
};

}  // namespace
#endif

Result<std::unique_ptr<OpKernel>> make_nhwc_depthwise_3x3(KernelContext& ctx) {
#if defined(__x86_64__)
  Form f;
  if (!cpu_features().avx2_fma || !read_form(ctx, &f)) return std::unique_ptr<OpKernel>();
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
