#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class GatherElementsKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(esize_, prepare_indexed_data(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(axis_, read_data_axis(ctx, x));
    if (!indices_fit_data(ind.shape, x.shape, axis_)) {
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
    return for_each_axis_index(ctx, x, ind, axis_,
                               [&](int64_t o, int64_t off) { copy_element(y.data, o, x.data, off, esize_); });
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
