#include <algorithm>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class TopKKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    if (ctx.num_outputs() != 2) return InvalidModel("TopK must declare 2 outputs (values, indices)");
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(x.dtype, "TopK", [](auto) { return Status::Ok(); }));
    if (x.rank() == 0) return InvalidModel("TopK input must have rank >= 1");
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", -1), x.rank(), "TopK axis"));
    if (ctx.opset < 10) {
      k_ = ctx.attr().get_int("k", -1);
    } else {
      QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
      std::vector<int64_t> k;
      QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &k));
      if (k.size() != 1) return InvalidModel("TopK K must hold one value, got " + std::to_string(k.size()));
      k_ = k[0];
    }
    if (k_ < 0 || k_ > x.shape[axis_]) {
      return InvalidArgument("TopK k " + std::to_string(k_) + " is out of range for axis " + std::to_string(axis_) +
                             " of input shape " + dims_to_string(x.shape));
    }
    Dims out = x.shape;
    out[axis_] = k_;
    set_output(ctx, 0, x.dtype, out);
    set_output(ctx, 1, DType::kInt64, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const bool largest = ctx.attr().get_int("largest", 1) != 0;
    const int64_t outer = dims_product(x.shape, 0, axis_);
    const int64_t dim = x.shape[axis_];
    const int64_t inner = dims_product(x.shape, axis_ + 1, x.shape.size());
    int64_t* out_idx = ctx.output(1)->data_as<int64_t>();
    return visit_dtype<kNumericTypes>(x.dtype, "TopK", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* p = x.data_as<T>();
      T* out = ctx.output(0)->data_as<T>();
      std::vector<int64_t> order(dim);
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          auto at = [&](int64_t j) { return static_cast<compute_t<T>>(p[(o * dim + j) * inner + i]); };
          for (int64_t j = 0; j < dim; ++j) order[j] = j;
          // Stable, so equal values keep the lower index first.
          std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
            const int c = compare_values(at(a), at(b));
            return largest ? c > 0 : c < 0;
          });
          for (int64_t j = 0; j < k_; ++j) {
            out[(o * k_ + j) * inner + i] = p[(o * dim + order[j]) * inner + i];
            out_idx[(o * k_ + j) * inner + i] = order[j];
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int axis_ = 0;
  int64_t k_ = 0;
};

}  // namespace

void register_top_k(KernelRegistry& r) {
  r.add("", "TopK", [] { return std::make_unique<TopKKernel>(); });
}

}  // namespace qedge::ref
