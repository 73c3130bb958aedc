#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// The output shape [rank, count] depends on the data, so prepare finds the non-zero positions and
// run writes them out.
class NonZeroKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kAllTypes>(x.dtype, "NonZero", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 0));
    found_.clear();
    // Bools are read as bytes, so that a stray value is not an invalid bool.
    const DType read_type = x.dtype == DType::kBool ? DType::kUint8 : x.dtype;
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(read_type, "NonZero", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* p = x.data_as<T>();
      const int64_t n = x.numel();
      for (int64_t i = 0; i < n; ++i) {
        if (static_cast<compute_t<T>>(p[i]) != compute_t<T>{}) found_.push_back(i);
      }
      return Status::Ok();
    }));
    set_output(ctx, 0, DType::kInt64, {x.rank(), static_cast<int64_t>(found_.size())});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    int64_t* out = ctx.output(0)->data_as<int64_t>();
    const int64_t count = static_cast<int64_t>(found_.size());
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    for (int64_t j = 0; j < count; ++j) {
      for (int d = 0; d < x.rank(); ++d) out[d * count + j] = found_[j] / strides[d] % x.shape[d];
    }
    return Status::Ok();
  }

 private:
  std::vector<int64_t> found_;  // flat positions of the non-zero elements
};

}  // namespace

void register_non_zero(KernelRegistry& r) {
  r.add("", "NonZero", [] { return std::make_unique<NonZeroKernel>(); });
}

}  // namespace qedge::ref
