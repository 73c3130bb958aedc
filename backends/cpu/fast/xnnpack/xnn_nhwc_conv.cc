// qedge.NhwcConv (float, 2-D) on XNNPACK's NHWC convolution (xnn_create_convolution2d_nhwc_f32), which reads the
// converter's [M, kh, kw, C/group] weights as they are and the activations without packing them. Relu and Clip fold
// into the operator's output bounds; the other fused activations run over the output afterwards.
#include <cmath>
#include <vector>

#include "activation_epilogue.h"
#include "common/kernel_util.h"
#include "xnn_paths.h"
#include "xnn_runtime.h"

namespace qedge::fast {
namespace {

struct NhwcConvForm {
  int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;  // x [N, H, W, C]
  int64_t maps = 0, kh = 0, kw = 0;                      // w [M, kh, kw, C / group]
  int64_t group = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  int64_t out_h = 0, out_w = 0;
};

bool is_float(const Tensor* t) { return t && t->dtype == DType::kFloat32; }

bool positive(const std::vector<int64_t>& v) {
  for (int64_t x : v) {
    if (x < 1) return false;
  }
  return true;
}

// The node's geometry when XNNPACK can run it: explicit pads (auto_pad NOTSET), 2-D, consistent shapes. Anything else
// goes to the other NhwcConv path, which reports what is wrong with the node.
bool read_form(const KernelContext& ctx, NhwcConvForm* f) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  const Tensor* b = ctx.input(2);
  if (!is_float(x) || !is_float(w) || (b && !is_float(b)) || x->rank() != 4 || w->rank() != 4) return false;
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
  return xnn::available();
}

// The parts of the threads' split are operators over ranges of output maps (one group) or of groups, each reading the
// full input at its channel stride and writing its maps at the output's.
class XnnNhwcConv : public XnnPath {
 public:
  XnnNhwcConv(const NhwcConvForm& f, const ref::Activation& act) : form_(f) {
    // Relu and an ordered Clip are the operator's output bounds; others (and Clip with min > max, which yields max
    // where XNNPACK wants ordered bounds) run afterwards.
    if (act.kind == ref::ActivationKind::kRelu) {
      lo_ = 0.0f;
      after_ = ref::Activation();
    } else if (act.kind == ref::ActivationKind::kClip && act.min <= act.max) {
      lo_ = act.min, hi_ = act.max;
      after_ = ref::Activation();
    } else {
      after_ = act;
    }
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.output(0);
    QEDGE_RETURN_IF_ERROR(xnn::ready());
    const bool grouped = form_.group > 1;
    // One group's maps split in blocks of the micro-kernels' 16 columns; groups split whole.
    const int64_t items = grouped ? form_.group : (form_.maps + kMapBlock - 1) / kMapBlock;
    const int64_t parts = xnn::part_count(ctx, items, grouped ? kMinGroupsPerPart : kMinBlocksPerPart);
    if (static_cast<int64_t>(ops_.size()) != parts || !operands_.unchanged(&w, b)) {
      zeros_.assign(b ? 0 : static_cast<size_t>(form_.maps), 0.0f);
      const float* bias = b ? b->data_as<float>() : zeros_.data();
      ops_.clear();
      for (int64_t p = 0; p < parts; ++p) {
        QEDGE_RETURN_IF_ERROR(create(range(p, parts, items), range(p + 1, parts, items), w.data_as<float>(), bias));
      }
      operands_.remember(&w, b);
    }
    if (x.numel() == 0 || y.numel() == 0) return Status::Ok();
    const int64_t maps_per_group = form_.maps / form_.group, channels_per_group = form_.channels / form_.group;
    QEDGE_RETURN_IF_ERROR(xnn::run_parts(ctx, parts, [&](int64_t p) {
      const int64_t first = range(p, parts, items);
      const int64_t in_offset = grouped ? first * channels_per_group : 0;
      const int64_t out_offset = grouped ? first * maps_per_group : first;
      QEDGE_RETURN_IF_ERROR(xnn::check(
          xnn_setup_convolution2d_nhwc_f32(ops_[p].get(), static_cast<size_t>(form_.batch),
                                           static_cast<size_t>(form_.in_h), static_cast<size_t>(form_.in_w),
                                           x.data_as<float>() + in_offset, y.data_as<float>() + out_offset, nullptr),
          "NHWC convolution setup"));
      return xnn::run(ops_[p], "NHWC convolution");
    }));
    activation_rows_parallel(ctx, after_, y.data_as<float>(), y.numel() / form_.maps, form_.maps);
    return Status::Ok();
  }

 private:
  static constexpr int64_t kMapBlock = 16;
  static constexpr int64_t kMinBlocksPerPart = 2;
  static constexpr int64_t kMinGroupsPerPart = 16;

  // The first group, or the first output map, of part p: map ranges start on whole blocks.
  int64_t range(int64_t p, int64_t parts, int64_t items) const {
    const int64_t first = xnn::part_begin(p, parts, items);
    return form_.group > 1 ? first : std::min(first * kMapBlock, form_.maps);
  }

  // An operator over groups [g0, g1) (grouped) or output maps [g0, g1) (one group).
  Status create(int64_t g0, int64_t g1, const float* weights, const float* bias) {
    const int64_t maps_per_group = form_.maps / form_.group, channels_per_group = form_.channels / form_.group;
    const int64_t taps = form_.kh * form_.kw;
    const bool grouped = form_.group > 1;
    const int64_t groups = grouped ? g1 - g0 : 1;
    const int64_t out_maps = grouped ? maps_per_group : g1 - g0;
    const int64_t first_map = grouped ? g0 * maps_per_group : g0;
    auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::check(
        xnn_create_convolution2d_nhwc_f32(
            u32(form_.top), u32(form_.right), u32(form_.bottom), u32(form_.left), u32(form_.kh), u32(form_.kw),
            u32(form_.stride_h), u32(form_.stride_w), u32(form_.dilation_h), u32(form_.dilation_w), u32(groups),
            static_cast<size_t>(channels_per_group), static_cast<size_t>(out_maps),
            static_cast<size_t>(form_.channels), static_cast<size_t>(form_.maps),
            weights + first_map * taps * channels_per_group, bias + first_map, lo_, hi_, 0, &op),
        "NHWC convolution"));
    ops_.emplace_back(op);
    return Status::Ok();
  }

  NhwcConvForm form_;
  ref::Activation after_;
  float lo_ = -INFINITY, hi_ = INFINITY;
  std::vector<xnn::Operator> ops_;
  xnn::OperandSnapshot operands_;
  std::vector<float> zeros_;
};

}  // namespace

bool xnn_nhwc_conv_fits(const KernelContext& ctx) {
  NhwcConvForm f;
  return read_form(ctx, &f);
}

Result<std::unique_ptr<XnnPath>> make_xnn_nhwc_conv(KernelContext& ctx) {
  NhwcConvForm f;
  if (ctx.num_outputs() != 1 || !read_form(ctx, &f)) return std::unique_ptr<XnnPath>();
  QEDGE_ASSIGN_OR_RETURN(const ref::Activation act, fused_activation(ctx));
  ref::set_output(ctx, 0, DType::kFloat32, Dims{f.batch, f.out_h, f.out_w, f.maps});
  return std::unique_ptr<XnnPath>(std::make_unique<XnnNhwcConv>(f, act));
}

}  // namespace qedge::fast
