// Fast float32 Gelu (both `approximate` forms), split across threads in blocks when there are enough values. Other
// types and unknown forms use the reference kernel (which reports the bad attribute).
#include <algorithm>
#include <cmath>
#include <string>

#include "fallback_kernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "kernel_support.h"
#include "transformer/row_kernels.h"

namespace qedge::fast {

void gelu_erf_scalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    y[i] = static_cast<float>(0.5 * v * std::erfc(-v * M_SQRT1_2));
  }
}

void gelu_tanh_scalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i];
    y[i] = static_cast<float>(0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v))));
  }
}

GeluFn gelu_erf() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return gelu_erf_avx2_fma;
#endif
  return gelu_erf_scalar;
}

GeluFn gelu_tanh() {
#if defined(__x86_64__)
  if (cpu_features().avx2_fma) return gelu_tanh_avx2_fma;
#endif
  return gelu_tanh_scalar;
}

namespace {

// Values per thread task: a multiple of 8 (whole vectors), large enough to pay for the task.
constexpr int64_t kBlock = 4096;

class FastGelu : public FallbackKernel {
 public:
  explicit FastGelu(const KernelRegistry& ref) : FallbackKernel(ref, "Gelu"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const std::string form = ctx.attr().get_string("approximate", "none");
    return x && x->dtype == DType::kFloat32 && (form == "none" || form == "tanh");
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    fn_ = ctx.attr().get_string("approximate", "none") == "tanh" ? gelu_tanh() : gelu_erf();
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    const int64_t n = ctx.input(0)->numel();
    const float* x = ctx.input(0)->data_as<float>();
    float* y = ctx.output(0)->data_as<float>();
    const int64_t blocks = (n + kBlock - 1) / kBlock;
    ctx.parallel_for(blocks, [&](int64_t begin, int64_t end) {
      const int64_t from = begin * kBlock, to = std::min(n, end * kBlock);
      fn_(x + from, y + from, to - from);
    });
    return Status::Ok();
  }

 private:
  const KernelRegistry& ref_;
  GeluFn fn_ = gelu_erf_scalar;
};

}  // namespace

void register_fast_gelu(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Gelu", [&ref] { return std::make_unique<FastGelu>(ref); });
}

}  // namespace qedge::fast
