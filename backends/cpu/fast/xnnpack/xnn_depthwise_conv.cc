// Float depthwise Conv on XNNPACK's NCHW depthwise kernels (xnn_create_convolution2d_nchw_f32 with one input and one
// output channel per group), which read our NCHW tensors and ONNX's [C, 1, kh, kw] weights as they are.
#include <cmath>
#include <vector>

#include "xnn_paths.h"
#include "xnn_runtime.h"

namespace qedge::fast {
namespace {

struct DepthwiseForm {
  int64_t kernel = 0, stride = 0;
  int64_t top = 0, left = 0, bottom = 0, right = 0;  // pads
};

// The pads XNNPACK's 2022 depthwise NCHW kernels are written for (any other form is rejected at creation): all
// "same" pads at stride 1; at stride 2 the left, bottom and right "same" pads and a top pad of k/2 - 1 or k/2.
bool xnnpack_takes(const DepthwiseForm& f) {
  const int64_t half = f.kernel / 2;
  if (f.left != half || f.bottom != half || f.right != half) return false;
  return f.stride == 1 ? f.top == half : (f.top == half || f.top == half - 1);
}

bool read_form(const KernelContext& ctx, DepthwiseForm* f) {
  const Tensor* x = ctx.input(0);
  const Tensor* w = ctx.input(1);
  const Tensor* b = ctx.input(2);
  if (!x || !w || x->dtype != DType::kFloat32 || w->dtype != DType::kFloat32 || x->rank() != 4 || w->rank() != 4) {
    return false;
  }
  const int64_t channels = x->shape[1];
  if (channels < 1 || w->shape[0] != channels || w->shape[1] != 1 || ctx.attr().get_int("group", 1) != channels ||
      (b && (b->dtype != DType::kFloat32 || b->shape != Dims{channels}))) {
    return false;
  }
  f->kernel = w->shape[2];
  if ((f->kernel != 3 && f->kernel != 5) || w->shape[3] != f->kernel) return false;
  const std::vector<int64_t> strides = ctx.attr().get_ints("strides", {1, 1});
  const std::vector<int64_t> dilations = ctx.attr().get_ints("dilations", {1, 1});
  const std::vector<int64_t> pads = ctx.attr().get_ints("pads", {0, 0, 0, 0});
  const std::string auto_pad = ctx.attr().get_string("auto_pad", "NOTSET");
  if (strides.size() != 2 || strides[0] != strides[1] || (strides[0] != 1 && strides[0] != 2) ||
      dilations != std::vector<int64_t>{1, 1} || pads.size() != 4 || auto_pad != "NOTSET") {
    return false;
  }
  f->stride = strides[0];
  f->top = pads[0], f->left = pads[1], f->bottom = pads[2], f->right = pads[3];
  return xnnpack_takes(*f) && xnn::available();
}

// Channels are independent, so each part of the threads' split is an operator over a channel range: the planes
// of that range, its weights and its bias, at the full tensor's channel stride.
class XnnDepthwiseConv : public XnnPath {
 public:
  explicit XnnDepthwiseConv(const DepthwiseForm& f) : form_(f) {}

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.output(0);
    QEDGE_RETURN_IF_ERROR(xnn::ready());
    const int64_t channels = x.shape[1], taps = form_.kernel * form_.kernel;
    const int64_t parts = xnn::part_count(ctx, channels, kMinChannelsPerPart);
    if (static_cast<int64_t>(ops_.size()) != parts || !operands_.unchanged(&w, b)) {
      // XNNPACK wants a bias; a Conv without one adds zeros.
      zeros_.assign(b ? 0 : static_cast<size_t>(channels), 0.0f);
      const float* bias = b ? b->data_as<float>() : zeros_.data();
      ops_.clear();
      for (int64_t p = 0; p < parts; ++p) {
        const int64_t c0 = xnn::part_begin(p, parts, channels), c1 = xnn::part_begin(p + 1, parts, channels);
        QEDGE_RETURN_IF_ERROR(create(c0, c1, channels, w.data_as<float>() + c0 * taps, bias + c0));
      }
      operands_.remember(&w, b);
    }
    if (x.numel() == 0) return Status::Ok();
    const int64_t in_plane = x.shape[2] * x.shape[3], out_plane = y.shape[2] * y.shape[3];
    return xnn::run_parts(ctx, parts, [&](int64_t p) {
      const int64_t c0 = xnn::part_begin(p, parts, channels);
      QEDGE_RETURN_IF_ERROR(
          xnn::check(xnn_setup_convolution2d_nchw_f32(ops_[p].get(), static_cast<size_t>(x.shape[0]),
                                                      static_cast<size_t>(x.shape[2]), static_cast<size_t>(x.shape[3]),
                                                      x.data_as<float>() + c0 * in_plane,
                                                      y.data_as<float>() + c0 * out_plane, nullptr),
                     "depthwise convolution setup"));
      return xnn::run(ops_[p], "depthwise convolution");
    });
  }

 private:
  static constexpr int64_t kMinChannelsPerPart = 8;

  // An operator over channels [c0, c1) of `channels`.
  Status create(int64_t c0, int64_t c1, int64_t channels, const float* weights, const float* bias) {
    const auto k = static_cast<uint32_t>(form_.kernel), s = static_cast<uint32_t>(form_.stride);
    const auto stride = static_cast<size_t>(channels);
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::check(
        xnn_create_convolution2d_nchw_f32(static_cast<uint32_t>(form_.top), static_cast<uint32_t>(form_.right),
                                          static_cast<uint32_t>(form_.bottom), static_cast<uint32_t>(form_.left), k, k,
                                          s, s, 1, 1, static_cast<uint32_t>(c1 - c0), 1, 1, stride, stride, weights,
                                          bias, -INFINITY, INFINITY, 0, &op),
        "depthwise convolution"));
    ops_.emplace_back(op);
    return Status::Ok();
  }

  DepthwiseForm form_;
  std::vector<xnn::Operator> ops_;
  xnn::OperandSnapshot operands_;
  std::vector<float> zeros_;
};

}  // namespace

bool xnn_depthwise_conv_fits(const KernelContext& ctx) {
  DepthwiseForm f;
  return read_form(ctx, &f);
}

std::unique_ptr<XnnPath> make_xnn_depthwise_conv(const KernelContext& ctx) {
  DepthwiseForm f;
  if (!read_form(ctx, &f)) return nullptr;
  return std::make_unique<XnnDepthwiseConv>(f);
}

}  // namespace qedge::fast
