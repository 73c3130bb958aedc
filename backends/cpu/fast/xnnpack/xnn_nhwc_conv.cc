// qedge.NhwcConv (float, 2-D) on XNNPACK's NHWC convolution (xnn_create_convolution2d_nhwc_f32), which reads the
// converter's [M, kh, kw, C/group] weights as they are and the activations without packing them. Relu and Clip fold
// into the operator's output bounds; the other fused activations run over the output afterwards.
#include <algorithm>
#include <vector>

#include "activation_epilogue.h"
#include "common/kernel_util.h"
#include "nhwc/nhwc_conv_form.h"
#include "xnn_paths.h"
#include "xnn_runtime.h"

namespace qedge::fast {
namespace {

// The node's form when XNNPACK can run it (and XNNPACK is ready).
bool read_form(const KernelContext& ctx, NhwcConvForm* f) { return read_nhwc_conv_form(ctx, f) && xnn::available(); }

// The parts of the threads' split are operators over ranges of output maps (one group) or of groups, each reading the
// full input at its channel stride and writing its maps at the output's, or over ranges of output rows.
class XnnNhwcConv : public XnnPath {
 public:
  // Relu and a Clip with min < max are the operator's output bounds; others run afterwards (XNNPACK rejects bounds
  // that are not strictly ordered, and Clip with min > max yields max).
  XnnNhwcConv(const NhwcConvForm& f, const ref::Activation& act) : form_(f), clamp_(output_clamp(act)) {}

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.output(0);
    QEDGE_RETURN_IF_ERROR(xnn::ready());
    const Split split = choose_split(ctx);
    if (split.by_rows != by_rows_ || static_cast<int64_t>(parts_.size()) != split.parts ||
        !operands_.unchanged(&w, b)) {
      zeros_.assign(b ? 0 : static_cast<size_t>(form_.maps), 0.0f);
      const float* bias = b ? b->data_as<float>() : zeros_.data();
      parts_.clear();
      by_rows_ = split.by_rows;
      for (int64_t p = 0; p < split.parts; ++p) {
        QEDGE_RETURN_IF_ERROR(by_rows_ ? add_rows_part(p, split.parts, w.data_as<float>(), bias)
                                       : add_maps_part(p, split.parts, w.data_as<float>(), bias));
      }
      operands_.remember(&w, b);
    }
    if (x.numel() == 0 || y.numel() == 0) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(xnn::run_parts(ctx, split.parts, [&](int64_t p) {
      const Part& part = parts_[static_cast<size_t>(p)];
      QEDGE_RETURN_IF_ERROR(xnn::check(
          xnn_setup_convolution2d_nhwc_f32(part.op.get(), static_cast<size_t>(form_.batch),
                                           static_cast<size_t>(part.in_h), static_cast<size_t>(form_.in_w),
                                           x.data_as<float>() + part.in_offset, y.data_as<float>() + part.out_offset,
                                           nullptr),
          "NHWC convolution setup"));
      return xnn::run(part.op, "NHWC convolution");
    }));
    activation_rows_parallel(ctx, clamp_.after, y.data_as<float>(), y.numel() / form_.maps, form_.maps);
    return Status::Ok();
  }

 private:
  static constexpr int64_t kMapBlock = 16;
  static constexpr int64_t kMinBlocksPerPart = 2;
  static constexpr int64_t kMinGroupsPerPart = 16;
  static constexpr int64_t kMinRowsPerPart = 2;
  // Bands of output rows: at least this many rows each, at most this many bands per thread, and only for weights up to
  // this size (every band's operator packs its own copy).
  static constexpr int64_t kMinBandRows = 4;
  static constexpr int64_t kMaxBandsPerThread = 2;
  static constexpr int64_t kMaxBandWeightBytes = 128 << 10;

  // One operator and where it reads and writes: x + in_offset (in_h rows), y + out_offset.
  struct Part {
    xnn::Operator op;
    int64_t in_offset = 0, out_offset = 0, in_h = 0;
  };

  struct Split {
    bool by_rows = false;
    int64_t parts = 1;
  };

  // Bands of output rows where the image is tall enough and the weights small (mobilenet_v2's layers down to 14x14
  // except the widest, and every depthwise one there): like XNNPACK's own threading, which splits pixels first, each
  // band runs the layer's full width of maps (or all channels of a depthwise layer) over its rows and reads only the
  // input rows it reaches, so the threads balance to a row and share no cache lines but the bands' edges. Splitting
  // a depthwise layer's channels instead left each thread the whole per-pixel overhead; splitting maps of a dense one
  // left up to a map block of imbalance (9 blocks of 144 maps on 2 threads). Bands are handed out as threads come
  // (xnn::run_parts), up to kMaxBandsPerThread per thread, so a thread that starts late runs fewer.
  // Elsewhere map blocks or groups split without copying weights, or rows when there are too few of those for the
  // threads (one image only).
  Split choose_split(const KernelContext& ctx) const {
    const int64_t threads = ctx.threads ? ctx.threads->num_threads() : 1;
    if (threads == 1) return Split{};
    const int64_t weight_bytes =
        form_.maps * form_.kh * form_.kw * (form_.channels / form_.group) * static_cast<int64_t>(sizeof(float));
    if (form_.batch == 1 && weight_bytes <= kMaxBandWeightBytes && form_.out_h >= threads * kMinBandRows) {
      const int64_t bands = threads * std::min(kMaxBandsPerThread, form_.out_h / (threads * kMinBandRows));
      if (rows_reach_input(bands)) return Split{true, bands};
    }
    const bool grouped = form_.group > 1;
    const int64_t items = grouped ? form_.group : (form_.maps + kMapBlock - 1) / kMapBlock;
    Split s;
    s.parts = xnn::part_count(ctx, items, grouped ? kMinGroupsPerPart : kMinBlocksPerPart);
    if (s.parts < threads && form_.batch == 1) {
      const int64_t row_parts = xnn::part_count(ctx, form_.out_h, kMinRowsPerPart);
      if (row_parts > s.parts && rows_reach_input(row_parts)) s = Split{true, row_parts};
    }
    return s;
  }

  // Whether every part of a split of the output rows into `parts` reaches at least one input row (not only padding).
  bool rows_reach_input(int64_t parts) const {
    for (int64_t p = 0; p < parts; ++p) {
      if (input_rows(p, parts).count <= 0) return false;
    }
    return true;
  }

  // The input rows the windows of output rows part p of `parts` reach, and the padding rows above and below them.
  struct InputRows {
    int64_t first = 0, count = 0, top = 0, bottom = 0;
  };
  InputRows input_rows(int64_t p, int64_t parts) const {
    const int64_t r0 = xnn::part_begin(p, parts, form_.out_h), r1 = xnn::part_begin(p + 1, parts, form_.out_h);
    const int64_t span = form_.dilation_h * (form_.kh - 1) + 1;
    // Padded rows [r0 * s, (r1 - 1) * s + span); padded row i is input row i - top.
    const int64_t first = r0 * form_.stride_h - form_.top, last = (r1 - 1) * form_.stride_h + span - 1 - form_.top;
    InputRows r;
    r.first = std::max<int64_t>(first, 0);
    const int64_t in_last = std::min(last, form_.in_h - 1);
    r.count = in_last - r.first + 1;
    r.top = r.first - first;
    r.bottom = last - in_last;
    return r;
  }

  // Part p of `parts` over map blocks (one group) or groups.
  Status add_maps_part(int64_t p, int64_t parts, const float* weights, const float* bias) {
    const bool grouped = form_.group > 1;
    const int64_t maps_per_group = form_.maps / form_.group, channels_per_group = form_.channels / form_.group;
    const int64_t items = grouped ? form_.group : (form_.maps + kMapBlock - 1) / kMapBlock;
    const int64_t first = xnn::part_begin(p, parts, items), last = xnn::part_begin(p + 1, parts, items);
    const int64_t groups = grouped ? last - first : 1;
    const int64_t first_map = grouped ? first * maps_per_group : std::min(first * kMapBlock, form_.maps);
    const int64_t out_maps = grouped ? maps_per_group : std::min(last * kMapBlock, form_.maps) - first_map;
    Part part;
    part.in_offset = grouped ? first * channels_per_group : 0;
    part.out_offset = first_map;
    part.in_h = form_.in_h;
    QEDGE_RETURN_IF_ERROR(create(form_.top, form_.bottom, groups, out_maps, first_map, weights, bias, &part.op));
    parts_.push_back(std::move(part));
    return Status::Ok();
  }

  // Part p of `parts` over output rows: the input rows their windows reach, with the image's own top and bottom
  // padding only where the part reaches it.
  Status add_rows_part(int64_t p, int64_t parts, const float* weights, const float* bias) {
    const InputRows rows = input_rows(p, parts);
    Part part;
    part.in_offset = rows.first * form_.in_w * form_.channels;
    part.out_offset = xnn::part_begin(p, parts, form_.out_h) * form_.out_w * form_.maps;
    part.in_h = rows.count;
    QEDGE_RETURN_IF_ERROR(
        create(rows.top, rows.bottom, form_.group, form_.maps / form_.group, 0, weights, bias, &part.op));
    parts_.push_back(std::move(part));
    return Status::Ok();
  }

  // An operator with `top` and `bottom` padding over `groups` groups of `out_maps` maps from map `first_map` on.
  Status create(int64_t top, int64_t bottom, int64_t groups, int64_t out_maps, int64_t first_map,
                const float* weights, const float* bias, xnn::Operator* out) {
    const int64_t channels_per_group = form_.channels / form_.group, taps = form_.kh * form_.kw;
    auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::check(
        xnn_create_convolution2d_nhwc_f32(
            u32(top), u32(form_.right), u32(bottom), u32(form_.left), u32(form_.kh), u32(form_.kw),
            u32(form_.stride_h), u32(form_.stride_w), u32(form_.dilation_h), u32(form_.dilation_w), u32(groups),
            static_cast<size_t>(channels_per_group), static_cast<size_t>(out_maps),
            static_cast<size_t>(form_.channels), static_cast<size_t>(form_.maps),
            weights + first_map * taps * channels_per_group, bias + first_map, clamp_.lo, clamp_.hi, 0, &op),
        "NHWC convolution"));
    out->reset(op);
    return Status::Ok();
  }

  NhwcConvForm form_;
  OutputClamp clamp_;
  std::vector<Part> parts_;
  bool by_rows_ = false;
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
