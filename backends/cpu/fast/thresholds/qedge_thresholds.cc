// Fast qedge Thresholds: the integer levels of a MultiThreshold, count or (bipolar) 2 * count - 1, stored as `to`,
// the counts from ThresholdCounts. Checks, messages and output type are the reference kernel's; X or thresholds of
// another type go to the reference kernel.
#include "common/int_quantize.h"
#include "fallback_kernel.h"
#include "thresholds/threshold_counts.h"
#include "kernel_support.h"

namespace qedge::fast {
namespace {

class FastThresholds : public FallbackKernel {
 public:
  explicit FastThresholds(const KernelRegistry& ref) : FallbackKernel(ref, "Thresholds"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* t = ctx.input(1);
    return x && t && x->dtype == DType::kFloat32 && t->dtype == DType::kFloat32;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    bipolar_ = ctx.attr().get_int("bipolar", 0) != 0;
    return counts_.prepare(ctx);
  }

  Status run_fast(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    switch (y.dtype) {
      case DType::kInt8: store(ctx, y.data_as<int8_t>()); break;
      case DType::kUint8: store(ctx, y.data_as<uint8_t>()); break;
      case DType::kInt16: store(ctx, y.data_as<int16_t>()); break;
      case DType::kUint16: store(ctx, y.data_as<uint16_t>()); break;
      default: store(ctx, y.data_as<int32_t>()); break;  // prepare admits only integer storage types
    }
    return Status::Ok();
  }

 private:
  // The levels in T; prepare made sure they fit.
  template <typename T>
  void store(const KernelContext& ctx, T* y) const {
    const bool bipolar = bipolar_;
    counts_.run(ctx, [y, bipolar](int64_t first, const int32_t* counts, int64_t n) {
      T* out = y + first;
      if (bipolar) {
        for (int64_t k = 0; k < n; ++k) out[k] = static_cast<T>(2 * counts[k] - 1);
      } else {
        for (int64_t k = 0; k < n; ++k) out[k] = static_cast<T>(counts[k]);
      }
    });
  }

  const KernelRegistry& ref_;
  bool bipolar_ = false;
  ThresholdCounts counts_;
};

}  // namespace

void register_fast_qedge_thresholds(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "Thresholds", [&ref] { return std::make_unique<FastThresholds>(ref); });
}

}  // namespace qedge::fast
