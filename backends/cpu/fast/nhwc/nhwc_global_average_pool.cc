// Fast qedge.NhwcGlobalAveragePool (the converter's layout pass makes it where a GlobalAveragePool reads a
// channels-last region): x [N, spatial.., C] float, y [N, 1.., C]. Each channel's sum runs over the pixels in order,
// in float, as the reference's does, so the result is the reference's bit for bit; the channels of a pixel are
// contiguous, so the sums of a block of channels are one vector loop per pixel. Threads take blocks of channels.
#include <algorithm>
#include <memory>

#include "common/int_quantize.h"
#include "fallback_kernel.h"

namespace qedge::fast {
namespace {

class NhwcGlobalAveragePool : public FallbackKernel {
 public:
  explicit NhwcGlobalAveragePool(const KernelRegistry& ref) : FallbackKernel(ref, "NhwcGlobalAveragePool") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    return ctx.num_inputs() == 1 && ctx.num_outputs() == 1 && x && x->dtype == DType::kFloat32 && x->rank() >= 3 &&
           x->numel() > 0;
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Dims out(x.shape.size(), 1);
    out.front() = x.shape.front();
    out.back() = x.shape.back();
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = out;
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t n = x.shape.front(), c = x.shape.back(), pixels = x.numel() / (n * c);
    const int64_t blocks = (c + kBlock - 1) / kBlock;
    const float* in = x.data_as<float>();
    float* out = ctx.output(0)->data_as<float>();
    ctx.parallel_for(n * blocks, [&](int64_t begin, int64_t end) {
      float acc[kBlock];
      for (int64_t item = begin; item < end; ++item) {
        const int64_t image = item / blocks, c0 = (item % blocks) * kBlock, len = std::min(kBlock, c - c0);
        const float* px = in + image * pixels * c + c0;
        std::fill(acc, acc + len, 0.0f);
        for (int64_t p = 0; p < pixels; ++p, px += c) {
          for (int64_t j = 0; j < len; ++j) acc[j] += px[j];
        }
        float* y = out + image * c + c0;
        for (int64_t j = 0; j < len; ++j) y[j] = acc[j] / static_cast<float>(pixels);
      }
    });
    return Status::Ok();
  }

 private:
  static constexpr int64_t kBlock = 256;  // channels per task: 1 KB of sums, in L1 with the rows they add
};

}  // namespace

void register_fast_nhwc_global_average_pool(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "NhwcGlobalAveragePool", [&ref] { return std::make_unique<NhwcGlobalAveragePool>(ref); });
}

}  // namespace qedge::fast
