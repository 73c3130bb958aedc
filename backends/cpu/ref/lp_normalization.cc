#include <cmath>

#include "common/nn_norm.h"

namespace qedge::ref {
namespace {

// y = x / ||x||_p along `axis` (p is 1 or 2).
class LpNormalizationKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "LpNormalization", [](auto) { return Status::Ok(); }));
    QEDGE_ASSIGN_OR_RETURN(const int axis,
                           normalize_axis(ctx.attr().get_int("axis", -1), x.rank(), "LpNormalization axis"));
    p_ = ctx.attr().get_int("p", 2);
    if (p_ != 1 && p_ != 2) return InvalidModel("LpNormalization p must be 1 or 2, got " + std::to_string(p_));
    len_ = x.shape[axis];
    inner_ = 1;
    for (int d = axis + 1; d < x.rank(); ++d) inner_ *= x.shape[d];
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, "LpNormalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      const int64_t outer = len_ * inner_ > 0 ? x.numel() / (len_ * inner_) : 0;
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner_; ++i) {
          const int64_t base = o * len_ * inner_ + i;
          double norm = 0;
          for (int64_t k = 0; k < len_; ++k) {
            const double v = nn_load(in, base + k * inner_);
            norm += p_ == 1 ? std::fabs(v) : v * v;
          }
          if (p_ == 2) norm = std::sqrt(norm);
          // An all-zero slice stays zero (the ONNX reference's output) instead of 0 / 0.
          if (norm == 0) norm = 1;
          for (int64_t k = 0; k < len_; ++k)
            out[base + k * inner_] = to_storage<T>(nn_load(in, base + k * inner_) / norm);
        }
      }
      return Status::Ok();
    });
  }

 private:
  int64_t p_ = 2, len_ = 1, inner_ = 1;
};

}  // namespace

void register_lp_normalization(KernelRegistry& r) {
  r.add("", "LpNormalization", [] { return std::make_unique<LpNormalizationKernel>(); });
}

}  // namespace qedge::ref
