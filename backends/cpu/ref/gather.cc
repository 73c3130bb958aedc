#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class GatherKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(esize_, prepare_indexed_data(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(axis_, read_data_axis(ctx, x));
    Dims out(x.shape.begin(), x.shape.begin() + axis_);
    out.insert(out.end(), ind.shape.begin(), ind.shape.end());
    out.insert(out.end(), x.shape.begin() + axis_ + 1, x.shape.end());
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    const int64_t dim = x.shape[axis_];
    const int64_t n = ind.numel();
    std::vector<int64_t> picked(n);
    for (int64_t j = 0; j < n; ++j) {
      QEDGE_ASSIGN_OR_RETURN(picked[j], read_index(ctx, ind, j, dim));
    }
    // The output holds the n picked slices where the input's axis was.
    copy_axis_slices(y.data, n, x.data, dim, dims_product(x.shape, 0, axis_),
                     dims_product(x.shape, axis_ + 1, x.shape.size()) * esize_, n,
                     [&picked](int64_t k) { return std::pair<int64_t, int64_t>(k, picked[k]); });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int axis_ = 0;
};

}  // namespace

void register_gather(KernelRegistry& r) {
  r.add("", "Gather", [] { return std::make_unique<GatherKernel>(); });
}

}  // namespace qedge::ref
