#include "common/shape_scatter.h"

namespace qedge::ref {
namespace {

// output = data, then output[indices[t]] (op)= updates[t] for every index tuple t (a slice when the
// tuples are shorter than data's rank).
class ScatterNDKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(red_, prepare_scatter(ctx));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    const Tensor& upd = *ctx.input(2);
    bool ok = x.rank() >= 1 && ind.rank() >= 1 && ind.shape.back() <= x.rank();
    if (ok) {
      Dims expect(ind.shape.begin(), ind.shape.end() - 1);
      expect.insert(expect.end(), x.shape.begin() + ind.shape.back(), x.shape.end());
      ok = expect == upd.shape;
    }
    if (!ok) {
      return ShapeMismatch("ScatterND data shape " + dims_to_string(x.shape) + ", indices shape " +
                           dims_to_string(ind.shape) + " and updates shape " + dims_to_string(upd.shape) +
                           " do not fit together");
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    const int64_t k = ind.shape.back();
    const int64_t tuples = dims_product(ind.shape, 0, ind.shape.size() - 1);
    const int64_t slice = dims_product(x.shape, static_cast<size_t>(k), x.shape.size());
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    ScatterPairs pairs;
    for (int64_t t = 0; t < tuples; ++t) {
      QEDGE_ASSIGN_OR_RETURN(int64_t off, index_tuple_offset(ctx, ind, t * k, k, x.shape, strides, 0));
      pairs.emplace_back(off, t * slice);
    }
    return apply_scatter(ctx, red_, pairs, slice);
  }

 private:
  ScatterReduction red_ = ScatterReduction::kNone;
};

}  // namespace

void register_scatter_nd(KernelRegistry& r) {
  r.add("", "ScatterND", [] { return std::make_unique<ScatterNDKernel>(); });
}

}  // namespace qedge::ref
