#include "nhwc/nhwc_conv_form.h"

#include <vector>

namespace qedge::fast {
namespace {

bool is_float(const Tensor* t) { return t && t->dtype == DType::kFloat32; }

bool positive(const std::vector<int64_t>& v) {
  for (int64_t x : v) {
    if (x < 1) return false;
  }
  return true;
}

}  // namespace

bool read_nhwc_conv_form(const KernelContext& ctx, NhwcConvForm* f) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  const Tensor* b = ctx.num_inputs() > 2 ? ctx.input(2) : nullptr;
  if (ctx.num_inputs() > 3 || !is_float(x) || !is_float(w) || (b && !is_float(b)) ||
      x->rank() != 4 || w->rank() != 4) {
    return false;
  }
  f->batch = x->shape[0], f->in_h = x->shape[1], f->in_w = x->shape[2], f->channels = x->shape[3];
  f->maps = w->shape[0], f->kh = w->shape[1], f->kw = w->shape[2];
  f->group = ctx.attr().get_int("group", 1);
  if (f->group < 1 || f->channels < 1 || f->maps < 1 || f->channels % f->group != 0 || f->maps % f->group != 0 ||
      w->shape[3] != f->channels / f->group || (b && b->shape != Dims{f->maps})) {
    return false;
  }
  const std::vector<int64_t> kernel = ctx.attr().get_ints("kernel_shape", {f->kh, f->kw});
  const std::vector<int64_t> strides = ctx.attr().get_ints("strides", {1, 1});
  const std::vector<int64_t> dilations = ctx.attr().get_ints("dilations", {1, 1});
  const std::vector<int64_t> pads = ctx.attr().get_ints("pads", {0, 0, 0, 0});
  if (ctx.attr().get_string("auto_pad", "NOTSET") != "NOTSET" || kernel != std::vector<int64_t>{f->kh, f->kw} ||
      strides.size() != 2 || dilations.size() != 2 || pads.size() != 4 || !positive(strides) ||
      !positive(dilations) || !positive(kernel)) {
    return false;
  }
  for (int64_t p : pads) {
    if (p < 0) return false;
  }
  f->stride_h = strides[0], f->stride_w = strides[1];
  f->dilation_h = dilations[0], f->dilation_w = dilations[1];
  f->top = pads[0], f->left = pads[1], f->bottom = pads[2], f->right = pads[3];
  const int64_t span_h = f->dilation_h * (f->kh - 1) + 1, span_w = f->dilation_w * (f->kw - 1) + 1;
  const int64_t padded_h = f->in_h + f->top + f->bottom, padded_w = f->in_w + f->left + f->right;
  if (padded_h < span_h || padded_w < span_w) return false;
  f->out_h = (padded_h - span_h) / f->stride_h + 1;
  f->out_w = (padded_w - span_w) / f->stride_w + 1;
  return true;
}

}  // namespace qedge::fast
