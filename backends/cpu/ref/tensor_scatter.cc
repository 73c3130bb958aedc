#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// KV-cache update: present = past, with `update` written along `axis` at write_indices[batch]
// (wrapping modulo the cache length in circular mode).
class TensorScatterKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& past = *ctx.input(0);
    const Tensor& upd = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, past.dtype));
    if (upd.dtype != past.dtype) return InvalidModel("TensorScatter update type differs from past_cache type");
    const std::string mode = ctx.attr().get_string("mode", "linear");
    if (mode != "linear" && mode != "circular") {
      return InvalidModel("TensorScatter mode '" + mode + "' is not linear or circular");
    }
    circular_ = mode == "circular";
    if (past.rank() < 2) return InvalidModel("TensorScatter past_cache must have rank >= 2");
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", -2), past.rank(), "TensorScatter axis"));
    if (axis_ == 0) return InvalidModel("TensorScatter axis must not be the batch axis 0");
    bool ok = upd.rank() == past.rank();
    for (int d = 0; ok && d < past.rank(); ++d) {
      ok = d == axis_ ? upd.shape[d] <= past.shape[d] : upd.shape[d] == past.shape[d];
    }
    if (!ok) {
      return ShapeMismatch("TensorScatter update shape " + dims_to_string(upd.shape) + " does not fit past_cache shape " +
                           dims_to_string(past.shape));
    }
    if (const Tensor* w = ctx.input(2)) {
      QEDGE_RETURN_IF_ERROR(require_index_type(ctx, *w, "write_indices"));
      if (w->shape != Dims{past.shape[0]}) {
        return ShapeMismatch("TensorScatter write_indices shape " + dims_to_string(w->shape) + " is not [" +
                             std::to_string(past.shape[0]) + "]");
      }
    }
    set_output(ctx, 0, past.dtype, past.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& past = *ctx.input(0);
    const Tensor& upd = *ctx.input(1);
    const Tensor* w = ctx.input(2);
    Tensor& y = *ctx.output(0);
    copy_bytes(y.data, past.data, past.nbytes());
    const int64_t batch = past.shape[0];
    const int64_t per_batch = dims_product(past.shape, 1, axis_);  // prefix rows within one batch
    const int64_t max_len = past.shape[axis_];
    const int64_t len = upd.shape[axis_];
    const int64_t row = dims_product(past.shape, axis_ + 1, past.shape.size()) * esize_;
    auto* dst = static_cast<uint8_t*>(y.data);
    const auto* src = static_cast<const uint8_t*>(upd.data);
    for (int64_t b = 0; b < batch; ++b) {
      int64_t start = 0;
      if (w != nullptr) {
        start = w->dtype == DType::kInt64 ? w->data_as<int64_t>()[b] : w->data_as<int32_t>()[b];
      }
      if (start < 0 || (!circular_ && start > max_len - len)) {
        return InvalidArgument("TensorScatter write index " + std::to_string(start) + " for batch " +
                               std::to_string(b) + " does not fit " + std::to_string(len) +
                               " updates in a cache of length " + std::to_string(max_len));
      }
      for (int64_t p = 0; p < per_batch; ++p) {
        const int64_t prefix = b * per_batch + p;
        for (int64_t s = 0; s < len; ++s) {
          const int64_t pos = circular_ ? (start % max_len + s) % max_len : start + s;
          copy_bytes(dst + (prefix * max_len + pos) * row, src + (prefix * len + s) * row, row);
        }
      }
    }
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int axis_ = 0;
  bool circular_ = false;
};

}  // namespace

void register_tensor_scatter(KernelRegistry& r) {
  r.add("", "TensorScatter", [] { return std::make_unique<TensorScatterKernel>(); });
}

}  // namespace qedge::ref
