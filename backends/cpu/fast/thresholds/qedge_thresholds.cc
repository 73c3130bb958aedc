// Fast qedge Thresholds: the integer levels of a MultiThreshold, count or (bipolar) 2 * count - 1, stored as `to`,
// from the counts (threshold_kernel.h).
#include "common/int_quantize.h"
#include "thresholds/threshold_kernel.h"

namespace qedge::fast {
namespace {

class FastThresholds : public ThresholdKernel {
 public:
  explicit FastThresholds(const KernelRegistry& ref) : ThresholdKernel(ref, "Thresholds") {}

 protected:
  void read_output_attrs(const KernelContext& ctx) override { bipolar_ = ctx.attr().get_int("bipolar", 0) != 0; }

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

  bool bipolar_ = false;
};

}  // namespace

void register_fast_qedge_thresholds(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "Thresholds", [&ref] { return std::make_unique<FastThresholds>(ref); });
}

}  // namespace qedge::fast
