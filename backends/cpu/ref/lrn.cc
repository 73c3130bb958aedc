#include <cmath>

#include "common/nn_norm.h"

namespace qedge::ref {
namespace {

// y = x / (bias + alpha / size * sum of x^2 over channels [c - (size-1)/2, c + ceil((size-1)/2)])^beta
class LrnKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "LRN", [](auto) { return Status::Ok(); }));
    if (x.rank() < 2) return InvalidArgument("LRN input must be [N, C, ...], got " + dims_to_string(x.shape));
    size_ = ctx.attr().get_int("size", 0);
    if (size_ < 1) return InvalidModel("LRN requires a positive size attribute, got " + std::to_string(size_));
    alpha_ = ctx.attr().get_float("alpha", 1e-4f);
    beta_ = ctx.attr().get_float("beta", 0.75f);
    bias_ = ctx.attr().get_float("bias", 1.0f);
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, "LRN", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      const int64_t n = x.shape[0], c = x.shape[1];
      const int64_t spatial = n * c > 0 ? x.numel() / (n * c) : 0;
      const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t ch = 0; ch < c; ++ch) {
          const int64_t lo = std::max<int64_t>(0, ch - before), hi = std::min(c - 1, ch + after);
          for (int64_t s = 0; s < spatial; ++s) {
            double sq = 0;
            for (int64_t k = lo; k <= hi; ++k) {
              const double v = nn_load(in, (b * c + k) * spatial + s);
              sq += v * v;
            }
            const int64_t i = (b * c + ch) * spatial + s;
            out[i] = to_storage<T>(nn_load(in, i) / std::pow(bias_ + alpha_ / static_cast<double>(size_) * sq, beta_));
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int64_t size_ = 1;
  double alpha_ = 1e-4, beta_ = 0.75, bias_ = 1.0;
};

}  // namespace

void register_lrn(KernelRegistry& r) {
  r.add("", "LRN", [] { return std::make_unique<LrnKernel>(); });
}

}  // namespace qedge::ref
