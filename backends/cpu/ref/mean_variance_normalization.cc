#include <cmath>

#include "common/nn_norm.h"

namespace qedge::ref {
namespace {

// y = (x - mean) / (sqrt(var) + 1e-9), mean and population variance taken over `axes` (default
// [0, 2, 3]) as the ONNX function body defines it.
class MvnKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(
        visit_dtype<kFloatTypes>(x.dtype, "MeanVarianceNormalization", [](auto) { return Status::Ok(); }));
    // Statistics have x's shape with the reduced axes set to 1; x broadcasts onto it via stride 0.
    stat_shape_ = x.shape;
    for (int64_t a : ctx.attr().get_ints("axes", {0, 2, 3})) {
      QEDGE_ASSIGN_OR_RETURN(const int axis, normalize_axis(a, x.rank(), "MeanVarianceNormalization axes"));
      stat_shape_[axis] = 1;
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, "MeanVarianceNormalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      const int64_t groups = num_elements(stat_shape_);
      const double count = groups > 0 ? static_cast<double>(x.numel()) / static_cast<double>(groups) : 1.0;
      std::vector<double> mean(groups, 0.0), sq(groups, 0.0);
      auto visit = [&](auto&& fn) {
        for_each_broadcast<1>(x.shape, {&stat_shape_},
                              [&](int64_t i, const std::array<int64_t, 1>& g) { fn(i, g[0]); });
      };
      visit([&](int64_t i, int64_t g) { mean[g] += nn_load(in, i) / count; });
      visit([&](int64_t i, int64_t g) {
        const double d = nn_load(in, i) - mean[g];
        sq[g] += d * d / count;
      });
      visit([&](int64_t i, int64_t g) {
        out[i] = to_storage<T>((nn_load(in, i) - mean[g]) / (std::sqrt(sq[g]) + 1e-9));
      });
      return Status::Ok();
    });
  }

 private:
  Dims stat_shape_;
};

}  // namespace

void register_mean_variance_normalization(KernelRegistry& r) {
  r.add("", "MeanVarianceNormalization", [] { return std::make_unique<MvnKernel>(); });
}

}  // namespace qedge::ref
