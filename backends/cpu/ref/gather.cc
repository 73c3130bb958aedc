#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class GatherKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_RETURN_IF_ERROR(require_index_type(ctx, ind, "indices"));
    if (x.rank() == 0) return InvalidModel("Gather data must have rank >= 1");
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "Gather axis"));
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
    const int64_t outer = dims_product(x.shape, 0, axis_);
    const int64_t inner = dims_product(x.shape, axis_ + 1, x.shape.size());
    const int64_t dim = x.shape[axis_];
    const int64_t n = ind.numel();
    const auto* src = static_cast<const uint8_t*>(x.data);
    auto* dst = static_cast<uint8_t*>(y.data);
    for (int64_t j = 0; j < n; ++j) {
      QEDGE_ASSIGN_OR_RETURN(int64_t k, read_index(ctx, ind, j, dim));
      for (int64_t o = 0; o < outer; ++o) {
        copy_bytes(dst + (o * n + j) * inner * esize_, src + (o * dim + k) * inner * esize_, inner * esize_);
      }
    }
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
