// Fast float32 Softmax over contiguous rows: the axis is the last dim (or only unit dims follow it), or, before
// opset 13, the input coerced to 2-D at the axis (a row is everything from the axis on). Rows split across threads
// when there are enough values. Other axes and types use the reference kernel.
#include <cmath>

#include "common/shape_util.h"
#include "fallback_kernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "kernel_support.h"
#include "transformer/row_kernels.h"

namespace qedge::fast {

void softmax_row_scalar(const float* x, float* y, int64_t n) {
  // The first maximum, as the reference takes it (NaN in the row makes every output NaN either way).
  float max = x[0];
  for (int64_t i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - max);
    sum += y[i];
  }
  for (int64_t i = 0; i < n; ++i) y[i] /= sum;
}

SoftmaxRowFn softmax_row() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return softmax_row_avx2_fma;
#endif
  return softmax_row_scalar;
}

namespace {

class FastSoftmax : public FallbackKernel {
 public:
  explicit FastSoftmax(const KernelRegistry& ref) : FallbackKernel(ref, "Softmax"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x || x->dtype != DType::kFloat32 || x->rank() == 0) return false;
    const bool coerce_2d = ctx.opset < 13;
    auto axis = normalize_axis(ctx.attr().get_int("axis", coerce_2d ? 1 : -1), x->rank());
    if (!axis.ok()) return false;
    return coerce_2d || ref::dims_product(x->shape, *axis + 1, x->shape.size()) == 1;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    const Tensor& x = *ctx.input(0);
    const int axis = *normalize_axis(ctx.attr().get_int("axis", ctx.opset < 13 ? 1 : -1), x.rank());
    len_ = ref::dims_product(x.shape, axis, x.shape.size());
    row_ = softmax_row();
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const int64_t total = ctx.input(0)->numel();
    if (total == 0 || len_ == 0) return Status::Ok();
    const float* x = ctx.input(0)->data_as<float>();
    float* y = ctx.output(0)->data_as<float>();
    run_rows(ctx, total / len_, total, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) row_(x + r * len_, y + r * len_, len_);
    });
    return Status::Ok();
  }

 private:
  const KernelRegistry& ref_;
  int64_t len_ = 1;
  SoftmaxRowFn row_ = softmax_row_scalar;
};

}  // namespace

void register_fast_softmax(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Softmax", [&ref] { return std::make_unique<FastSoftmax>(ref); });
}

}  // namespace qedge::fast
