// Fast qedge QConv on 8-bit levels: per image and group, acc[M/g, out] = W[M/g, C/g * kernel] * col (int16 im2col of
// x - x_zero_point, 0 in the padding) on the exact int16 GEMM, then the reference's epilogue, so results are
// bit-identical to the reference kernel. Layers whose weights fit a byte layout take the low-bit GEMM instead
// (qconv_lowbit.cc), xnor ones the XNOR-popcount path (qconv_xnor.cc); float inputs and wider levels use the
// reference kernel.
#include <algorithm>
#include <vector>

#include "common/nn_conv.h"
#include "fallback_kernel.h"
#include "im2col.h"
#include "int_operands.h"
#include "lowbit_ops.h"
#include "qedge/cpu_fast/gemm_s16.h"
#include "requant.h"
#include "xnor_ops.h"

namespace qedge::fast {
namespace {

class FastQConv : public FallbackKernel {
 public:
  explicit FastQConv(const KernelRegistry& ref) : FallbackKernel(ref, "QConv") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w || x->rank() < 3 || x->rank() > 5 || w->rank() != x->rank() || w->shape[0] <= 0) return false;
    if (xnor_applies(ctx)) return true;
    // Depthwise convolutions run direct integer loops; other thin groups keep the reference's.
    const int64_t group = ctx.attr().get_int("group", 1), k = num_elements(w->shape) / w->shape[0];
    const bool depthwise = group == x->shape[1] && group == w->shape[0];
    return group > 0 && (depthwise || (w->shape[0] / group >= 4 && k >= 8)) && int16_gemm_fits(ctx, k);
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(ref::nn_conv_prepare(ctx, DType::kFloat32, &g_, &group_));
    const Tensor& w = *ctx.input(1);
    const bool depthwise = group_ == ctx.input(0)->shape[1] && group_ == w.shape[0];
    lowbit_ = depthwise ? std::nullopt : lowbit_layout_for(ctx, num_elements(w.shape) / w.shape[0]);
    xnor_ = xnor_applies(ctx);
    return epilogue_.read(ctx, ctx.input(1)->shape[0], ctx.output(0)->shape);
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    if (xnor_) return run_qconv_xnor(ctx, g_, group_, epilogue_, xnor_weights_);
    if (lowbit_) return run_qconv_lowbit(ctx, g_, group_, *lowbit_, epilogue_, lowbit_weights_);
    QEDGE_ASSIGN_OR_RETURN(const std::vector<int16_t>* cached, weights_.get(ctx, 0));
    const std::vector<int16_t>& weights = *cached;
    const std::vector<int16_t> xs = adjusted_input(ctx);
    const int64_t batch = x.shape[0], channels = x.shape[1], maps = w.shape[0];
    const int64_t cg = channels / group_, mg = maps / group_, k = cg * g_.kernel_size();
    const int64_t in_size = g_.in_size(), out_size = g_.out_size();
    if (cg == 1 && mg == 1) return run_depthwise(xs, weights, batch, channels, y);
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
  // One input channel per output map: acc[o] = sum over taps of w[tap] * x[o's input position], in int32 (exact:
  // int16_gemm_fits bounds the whole sum), row by row so unit-stride rows vectorize.
  Status run_depthwise(const std::vector<int16_t>& xs, const std::vector<int16_t>& weights, int64_t batch,
                       int64_t channels, Tensor& y) {
    const int64_t in_size = g_.in_size(), out_size = g_.out_size(), taps = g_.kernel_size();
    const int64_t ow = g_.out[2], s2 = g_.stride[2];
    std::vector<int32_t> acc(static_cast<size_t>(out_size));
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t c = 0; c < channels; ++c) {
        std::fill(acc.begin(), acc.end(), 0);
        const int16_t* plane = xs.data() + (n * channels + c) * in_size;
        const int16_t* wc = weights.data() + c * taps;
        int64_t tap = 0;
        for (int64_t k0 = 0; k0 < g_.kernel[0]; ++k0) {
          for (int64_t k1 = 0; k1 < g_.kernel[1]; ++k1) {
            for (int64_t k2 = 0; k2 < g_.kernel[2]; ++k2, ++tap) {
              const int32_t wv = wc[tap];
              const int64_t off = k2 * g_.dilation[2] - g_.pad_begin[2];
              const int64_t lo = std::min(ow, off >= 0 ? 0 : (-off + s2 - 1) / s2);
              const int64_t hi = std::max(lo, std::min(ow, g_.in[2] - off <= 0 ? 0 : (g_.in[2] - off + s2 - 1) / s2));
              for (int64_t o0 = 0; o0 < g_.out[0]; ++o0) {
                const int64_t i0 = o0 * g_.stride[0] - g_.pad_begin[0] + k0 * g_.dilation[0];
                if (i0 < 0 || i0 >= g_.in[0]) continue;
                for (int64_t o1 = 0; o1 < g_.out[1]; ++o1) {
                  const int64_t i1 = o1 * g_.stride[1] - g_.pad_begin[1] + k1 * g_.dilation[1];
                  if (i1 < 0 || i1 >= g_.in[1]) continue;
                  const int16_t* src = plane + (i0 * g_.in[1] + i1) * g_.in[2] + off;
                  int32_t* dst = acc.data() + (o0 * g_.out[1] + o1) * ow;
                  if (s2 == 1) {
                    for (int64_t o2 = lo; o2 < hi; ++o2) dst[o2] += wv * src[o2];
                  } else {
                    for (int64_t o2 = lo; o2 < hi; ++o2) dst[o2] += wv * src[o2 * s2];
                  }
                }
              }
            }
          }
        }
        requant_run(epilogue_, acc.data(), out_size, c, 0, y, (n * channels + c) * out_size);
      }
    }
    return Status::Ok();
  }

  ref::NnGeometry g_;
  int64_t group_ = 1;
  ref::IntLinearEpilogue epilogue_;
  AdjustedWeightsCache weights_;
  std::optional<LowbitLayout> lowbit_;
  LowbitWeightsCache lowbit_weights_;
  bool xnor_ = false;
  XnorWeightsCache xnor_weights_;
};

}  // namespace

void register_fast_qconv(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QConv", [&ref] { return std::make_unique<FastQConv>(ref); });
}

}  // namespace qedge::fast
