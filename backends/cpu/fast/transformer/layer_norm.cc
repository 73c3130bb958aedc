// Fast float32 LayerNormalization: rows are the dims from `axis` on; scale and bias must hold one value per row
// position (the usual per-feature parameters). Rows split across threads when there are enough values. The optional
// Mean and InvStdDev outputs, other types and broadcast parameters use the reference kernel.
#include <cmath>

#include "common/shape_util.h"
#include "fallback_kernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "kernel_support.h"
#include "transformer/row_kernels.h"

namespace qedge::fast {

void layer_norm_row_scalar(const float* x, float* y, int64_t n, const float* scale, const float* bias, float epsilon) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double sq = 0.0;
  for (int64_t i = 0; i < n; ++i) sq += (x[i] - mean) * (x[i] - mean);
  const double inv_std = 1.0 / std::sqrt(sq / static_cast<double>(n) + epsilon);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>((x[i] - mean) * inv_std * scale[i] + (bias ? bias[i] : 0.0f));
  }
}

LayerNormRowFn layer_norm_row() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return layer_norm_row_avx2_fma;
#endif
  return layer_norm_row_scalar;
}

namespace {

class FastLayerNorm : public FallbackKernel {
 public:
  explicit FastLayerNorm(const KernelRegistry& ref) : FallbackKernel(ref, "LayerNormalization"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* scale = ctx.input(1);
    const Tensor* bias = ctx.input(2);
    if (!x || !scale || x->dtype != DType::kFloat32 || x->rank() == 0) return false;
    for (int i = 1; i < ctx.num_outputs(); ++i) {
      if (ctx.output(i)) return false;
    }
    auto axis = normalize_axis(ctx.attr().get_int("axis", -1), x->rank());
    if (!axis.ok()) return false;
    const int64_t len = ref::dims_product(x->shape, *axis, x->shape.size());
    const auto per_position = [&](const Tensor* p) { return p->dtype == DType::kFloat32 && p->numel() == len; };
    return per_position(scale) && (!bias || per_position(bias));
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    const Tensor& x = *ctx.input(0);
    const int axis = *normalize_axis(ctx.attr().get_int("axis", -1), x.rank());
    len_ = ref::dims_product(x.shape, axis, x.shape.size());
    epsilon_ = ctx.attr().get_float("epsilon", 1e-5f);
    row_ = layer_norm_row();
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const int64_t total = ctx.input(0)->numel();
    if (total == 0 || len_ == 0) return Status::Ok();
    const float* x = ctx.input(0)->data_as<float>();
    const float* scale = ctx.input(1)->data_as<float>();
    const float* bias = ctx.input(2) ? ctx.input(2)->data_as<float>() : nullptr;
    float* y = ctx.output(0)->data_as<float>();
    run_rows(ctx, total / len_, total, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) row_(x + r * len_, y + r * len_, len_, scale, bias, epsilon_);
    });
    return Status::Ok();
  }

 private:
  const KernelRegistry& ref_;
  int64_t len_ = 1;
  float epsilon_ = 1e-5f;
  LayerNormRowFn row_ = layer_norm_row_scalar;
};

}  // namespace

void register_fast_layer_norm(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "LayerNormalization", [&ref] { return std::make_unique<FastLayerNorm>(ref); });
}

}  // namespace qedge::fast
