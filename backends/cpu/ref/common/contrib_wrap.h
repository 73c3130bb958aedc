// Runs a standard ONNX reference kernel inside a contrib operator, so that the contrib operator
// reuses its math instead of copying it:
//  - qonnx.custom_op.channels_last Conv / MaxPool / BatchNormalization: the channel axis of the
//    first inputs (x, and Conv's weight) moves from last to position 1 before the standard op,
//    and the output's channel axis moves back to last afterwards.
//  - com.microsoft QLinear* ops with inputs (X, X_scale, X_zero_point, Y_scale, Y_zero_point):
//    X is dequantized to float32, the standard float op runs on it, and its output is requantized
//    (optionally channels-last too, by the `channels_last` attribute).
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "contrib_quant.h"

namespace qedge::ref {

inline constexpr const char* kChannelsLastDomain = "qonnx.custom_op.channels_last";
// The ai.onnx version the wrapped standard kernels follow (a contrib node's ctx.opset is the
// version of its own domain).
inline constexpr int kContribInnerOpset = 22;

// [N, d1.., C] -> [N, C, d1..] when to_first, else the inverse.
inline Dims contrib_move_channels(const Dims& d, bool to_first) {
  Dims out = d;
  if (d.size() < 3) return out;
  if (to_first) {
    out.erase(out.end() - 1);
    out.insert(out.begin() + 1, d.back());
  } else {
    out.erase(out.begin() + 1);
    out.push_back(d[1]);
  }
  return out;
}

// Copies the non-empty tensor `src` (shape `from`, elements of `elem` bytes) to the channel-moved
// layout. Both layouts are [N, A, B] row-major with (A, B) = (spatial, C) or (C, spatial), so this
// is a batched 2-D transpose.
inline void contrib_move_channels_data(const Dims& from, bool to_first, size_t elem, const void* src, void* dst) {
  const int64_t n = from[0];
  const int64_t a = to_first ? num_elements(from) / n / from.back() : from[1];
  const int64_t b = num_elements(from) / n / a;
  const auto* s = static_cast<const uint8_t*>(src);
  auto* d = static_cast<uint8_t*>(dst);
  for (int64_t bi = 0; bi < n; ++bi) {
    for (int64_t i = 0; i < a; ++i) {
      for (int64_t j = 0; j < b; ++j) {
        std::memcpy(d + ((bi * b + j) * a + i) * elem, s + ((bi * a + i) * b + j) * elem, elem);
      }
    }
  }
}

struct ContribWrapSpec {
  std::string op;       // the standard op run inside
  KernelFactory inner;  // its reference kernel
  bool quantized = false;
  // Number of leading inputs that are channels-last; -1: input 0 when attribute channels_last is 1.
  int channels_last_inputs = 0;
  // Attributes the standard op gets when the node lacks them (where the contrib op's default differs).
  std::vector<Attr> default_attrs;
  // The inner op's domain: "" (ai.onnx) but for qedge ops wrapped in turn (qedge.NhwcConv runs qedge.FusedConv).
  std::string domain;
};

class ContribWrapKernel : public OpKernel {
 public:
  explicit ContribWrapKernel(const ContribWrapSpec& spec) : spec_(spec), inner_(spec.inner()) {}

  Status prepare(KernelContext& ctx) override {
    const std::string op(ctx.op_type);
    if (ctx.num_outputs() != 1) {
      return InvalidModel(op + " (domain " + std::string(ctx.domain) + ") must have exactly one output, got " +
                          std::to_string(ctx.num_outputs()));
    }
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const DType xt = ctx.input(0)->dtype;
    if (spec_.quantized) {
      QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 0));
      QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, 1, 2, xt));
      QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, 3, 4, xt));
    }
    last_ = spec_.channels_last_inputs >= 0 ? spec_.channels_last_inputs
                                            : (ctx.attr().get_int("channels_last", 0) != 0 ? 1 : 0);
    const int n_in = spec_.quantized ? 1 : ctx.num_inputs();
    if (last_ > n_in) return InvalidModel(op + " requires " + std::to_string(last_) + " inputs");
    in_.assign(n_in, Tensor{});
    for (int i = 0; i < n_in; ++i) {
      if (ctx.input(i) == nullptr) continue;
      in_[i] = *ctx.input(i);
      in_[i].data = nullptr;
      if (i < last_) {
        if (in_[i].rank() < 3) {
          return InvalidArgument(op + " channels-last input " + std::to_string(i) + " must have rank >= 3, got " +
                                 dims_to_string(in_[i].shape));
        }
        in_[i].shape = contrib_move_channels(in_[i].shape, true);
        // The moved copy is made per run: the inner kernel must not keep anything derived from it at prepare.
        in_[i].constant = false;
      }
    }
    if (spec_.quantized) in_[0].dtype = DType::kFloat32;
    attrs_ = ctx.attr();
    for (const Attr& a : spec_.default_attrs) {
      if (!attrs_.has(a.name)) attrs_.set(a);
    }
    out_ = Tensor{};
    KernelContext ictx = inner_context(ctx);
    QEDGE_RETURN_IF_ERROR(inner_->prepare(ictx));
    const DType yt = spec_.quantized ? xt : out_.dtype;
    set_output(ctx, 0, yt, last_ > 0 ? contrib_move_channels(out_.shape, false) : out_.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    // Scratch: the inner kernel's rearranged / dequantized inputs and its output.
    std::vector<std::vector<uint8_t>> bufs(in_.size());
    for (size_t i = 0; i < in_.size(); ++i) {
      const Tensor* src = ctx.input(static_cast<int>(i));
      if (src == nullptr) continue;
      in_[i].data = src->data;
      if (spec_.quantized && i == 0) {
        bufs[i].resize(src->numel() * sizeof(float));
        const ContribQParam xq = contrib_qparam(ctx, 1, 2);
        auto* f = reinterpret_cast<float*>(bufs[i].data());
        for (int64_t k = 0, k_end = src->numel(); k < k_end; ++k) f[k] = contrib_dequant(src->dtype, src->data, k, xq);
        in_[i].data = f;
      }
      if (static_cast<int>(i) < last_ && src->numel() > 0) {
        std::vector<uint8_t> moved(in_[i].nbytes());
        contrib_move_channels_data(src->shape, true, dtype_storage_bytes(in_[i].dtype, 1), in_[i].data, moved.data());
        bufs[i] = std::move(moved);
        in_[i].data = bufs[i].data();
      }
    }
    Tensor& y = *ctx.output(0);
    const bool direct = !spec_.quantized && last_ == 0;
    std::vector<uint8_t> out_buf(direct ? 0 : out_.nbytes());
    out_.data = direct ? y.data : out_buf.data();
    KernelContext ictx = inner_context(ctx);
    QEDGE_RETURN_IF_ERROR(inner_->run(ictx));
    if (direct || out_.numel() == 0) return Status::Ok();
    if (last_ > 0) {
      std::vector<uint8_t> moved(out_.nbytes());
      contrib_move_channels_data(out_.shape, false, dtype_storage_bytes(out_.dtype, 1), out_.data, moved.data());
      out_buf = std::move(moved);
    }
    if (!spec_.quantized) {
      std::memcpy(y.data, out_buf.data(), out_buf.size());
      return Status::Ok();
    }
    const ContribQParam yq = contrib_qparam(ctx, 3, 4);
    const auto* f = reinterpret_cast<const float*>(out_buf.data());
    for (int64_t k = 0, k_end = y.numel(); k < k_end; ++k) quant_write(y.dtype, y.data, k, contrib_requant(y.dtype, f[k], yq));
    return Status::Ok();
  }

 private:
  KernelContext inner_context(const KernelContext& ctx) {
    KernelContext ictx;
    ictx.op_type = spec_.op;
    ictx.domain = spec_.domain;
    // QLinearSoftmax names the Softmax version it follows in its `opset` attribute.
    ictx.opset = static_cast<int>(attrs_.get_int("opset", kContribInnerOpset));
    ictx.attrs = &attrs_;
    for (size_t i = 0; i < in_.size(); ++i) ictx.inputs.push_back(ctx.input(static_cast<int>(i)) ? &in_[i] : nullptr);
    ictx.outputs = {&out_};
    ictx.threads = ctx.threads;
    return ictx;
  }

  ContribWrapSpec spec_;
  std::unique_ptr<OpKernel> inner_;
  int last_ = 0;
  AttrMap attrs_;
  std::vector<Tensor> in_;
  Tensor out_;
};

// Registers `op` in `domain` as a wrapper around the standard kernel `std_op` that `register_std`
// (one of the reference kernel files' register functions) adds.
inline void register_contrib_wrap(KernelRegistry& r, const std::string& domain, const std::string& op,
                                  const std::string& std_op, void (*register_std)(KernelRegistry&), bool quantized,
                                  int channels_last_inputs, std::vector<Attr> default_attrs = {}) {
  KernelRegistry standard;
  register_std(standard);
  ContribWrapSpec spec{std_op, *standard.find("", std_op), quantized, channels_last_inputs, std::move(default_attrs), ""};
  r.add(domain, op, [spec] { return std::make_unique<ContribWrapKernel>(spec); });
}

}  // namespace qedge::ref
