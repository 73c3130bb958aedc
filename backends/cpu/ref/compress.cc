#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// Keeps the slices along `axis` (or the elements of the flattened input when axis is absent) whose
// condition is true; a condition shorter than the axis drops the rest.
class CompressKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& cond = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    if (cond.dtype != DType::kBool || cond.rank() != 1) {
      return InvalidModel(std::string("Compress condition must be a 1-D bool tensor, got ") + dtype_name(cond.dtype) +
                          " " + dims_to_string(cond.shape));
    }
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
    view_ = x.shape;
    axis_ = 0;
    if (ctx.attr().has("axis")) {
      QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "Compress axis"));
    } else {
      view_ = {x.numel()};
    }
    const int64_t dim = view_[axis_];
    const auto* c = cond.data_as<uint8_t>();  // bytes, so a stray value is not an invalid bool
    kept_.clear();
    for (int64_t i = 0, i_end = cond.numel(); i < i_end; ++i) {
      if (!c[i]) continue;
      if (i >= dim) {
        return InvalidArgument("Compress condition selects index " + std::to_string(i) + " beyond axis length " +
                               std::to_string(dim));
      }
      kept_.push_back(i);
    }
    Dims out = view_;
    out[axis_] = static_cast<int64_t>(kept_.size());
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const int64_t n = static_cast<int64_t>(kept_.size());
    copy_axis_slices(y.data, n, x.data, view_[axis_], dims_product(view_, 0, axis_),
                     dims_product(view_, axis_ + 1, view_.size()) * esize_, n,
                     [this](int64_t k) { return std::pair<int64_t, int64_t>(k, kept_[k]); });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int axis_ = 0;
  Dims view_;                  // the input's shape, or its flattened shape without an axis
  std::vector<int64_t> kept_;  // selected indices along the axis
};

}  // namespace

void register_compress(KernelRegistry& r) {
  r.add("", "Compress", [] { return std::make_unique<CompressKernel>(); });
}

}  // namespace qedge::ref
