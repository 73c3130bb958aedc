#include <algorithm>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class GatherNDKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(esize_, prepare_indexed_data(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    batch_ = ctx.attr().get_int("batch_dims", 0);
    const int64_t r = x.rank();
    const int64_t q = ind.rank();
    if (r < 1 || q < 1 || batch_ < 0 || batch_ >= std::min(r, q)) {
      return InvalidModel("GatherND batch_dims " + std::to_string(batch_) + " is invalid for data shape " +
                          dims_to_string(x.shape) + " and indices shape " + dims_to_string(ind.shape));
    }
    last_ = ind.shape.back();
    bool ok = last_ >= 1 && last_ <= r - batch_;
    for (int64_t d = 0; ok && d < batch_; ++d) ok = x.shape[d] == ind.shape[d];
    if (!ok) {
      return ShapeMismatch("GatherND indices shape " + dims_to_string(ind.shape) + " does not fit data shape " +
                           dims_to_string(x.shape) + " with batch_dims " + std::to_string(batch_));
    }
    Dims out(ind.shape.begin(), ind.shape.end() - 1);
    out.insert(out.end(), x.shape.begin() + batch_ + last_, x.shape.end());
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    const size_t b = static_cast<size_t>(batch_);
    const int64_t batches = dims_product(x.shape, 0, b);
    const int64_t tuples = dims_product(ind.shape, b, ind.shape.size() - 1);  // index tuples per batch
    const int64_t slice = dims_product(x.shape, b + last_, x.shape.size());   // elements each tuple selects
    const int64_t batch_size = dims_product(x.shape, b, x.shape.size());
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    const auto* src = static_cast<const uint8_t*>(x.data);
    auto* dst = static_cast<uint8_t*>(y.data);
    for (int64_t bi = 0; bi < batches; ++bi) {
      for (int64_t t = 0; t < tuples; ++t) {
        const int64_t tuple = (bi * tuples + t) * last_;
        QEDGE_ASSIGN_OR_RETURN(int64_t off, index_tuple_offset(ctx, ind, tuple, last_, x.shape, strides, b));
        off += bi * batch_size;
        copy_bytes(dst + (bi * tuples + t) * slice * esize_, src + off * esize_, slice * esize_);
      }
    }
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int64_t batch_ = 0;
  int64_t last_ = 0;
};

}  // namespace

void register_gather_nd(KernelRegistry& r) {
  r.add("", "GatherND", [] { return std::make_unique<GatherNDKernel>(); });
}

}  // namespace qedge::ref
