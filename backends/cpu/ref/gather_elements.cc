#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class GatherElementsKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_RETURN_IF_ERROR(require_index_type(ctx, ind, "indices"));
    if (x.rank() == 0) return InvalidModel("GatherElements data must have rank >= 1");
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "GatherElements axis"));
    bool ok = ind.rank() == x.rank();
    for (int d = 0; ok && d < x.rank(); ++d) ok = d == axis_ || ind.shape[d] <= x.shape[d];
    if (!ok) {
      return ShapeMismatch("GatherElements indices shape " + dims_to_string(ind.shape) + " does not fit data shape " +
                           dims_to_string(x.shape));
    }
    set_output(ctx, 0, x.dtype, ind.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    Status status;
    for_each_index(ind.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      if (!status.ok()) return;
      auto k = read_index(ctx, ind, o, x.shape[axis_]);
      if (!k.ok()) {
        status = k.status();
        return;
      }
      // The element's own position, with the axis coordinate replaced by the index.
      const int64_t off = offset_of(idx, strides) + (*k - idx[axis_]) * strides[axis_];
      copy_element(y.data, o, x.data, off, esize_);
    });
    return status;
  }

 private:
  size_t esize_ = 0;
  int axis_ = 0;
};

}  // namespace

void register_gather_elements(KernelRegistry& r) {
  r.add("", "GatherElements", [] { return std::make_unique<GatherElementsKernel>(); });
}

}  // namespace qedge::ref
