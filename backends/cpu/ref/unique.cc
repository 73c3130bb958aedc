#include <algorithm>
#include <functional>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// Unique slices along `axis` (elements of the flattened input without one). Everything depends on
// the data, so prepare computes the selection and run copies it out.
class UniqueKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 0));
    view_ = {x.numel()};
    axis_ = 0;
    if (ctx.attr().has("axis")) {
      view_ = x.shape;
      QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "Unique axis"));
    }
    const int64_t outer = dims_product(view_, 0, axis_);
    const int64_t dim = view_[axis_];
    const int64_t inner = dims_product(view_, axis_ + 1, view_.size());
    // Lexicographic compare of slices a and b: elements in (outer, inner) order.
    std::function<int(int64_t, int64_t)> compare;
    // Bools compare as bytes, so that a stray value is not an invalid bool.
    const DType cmp_type = x.dtype == DType::kBool ? DType::kUint8 : x.dtype;
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(cmp_type, "Unique", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* p = x.data_as<T>();
      compare = [p, outer, dim, inner](int64_t a, int64_t b) {
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const int c = compare_values(static_cast<compute_t<T>>(p[(o * dim + a) * inner + i]),
                                         static_cast<compute_t<T>>(p[(o * dim + b) * inner + i]));
            if (c != 0) return c;
          }
        }
        return 0;
      };
      return Status::Ok();
    }));
    std::vector<int64_t> order(dim);
    for (int64_t j = 0; j < dim; ++j) order[j] = j;
    // Stable, so each run of equal slices starts with its first occurrence.
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
    first_.clear();
    counts_.clear();
    std::vector<int64_t> group_of(dim);  // sorted group of each slice
    for (int64_t k = 0; k < dim; ++k) {
      if (k == 0 || compare(order[k - 1], order[k]) != 0) {
        first_.push_back(order[k]);
        counts_.push_back(0);
      }
      group_of[order[k]] = static_cast<int64_t>(first_.size()) - 1;
      ++counts_.back();
    }
    // Output position of each group: sorted order, or order of first occurrence.
    const int64_t u = static_cast<int64_t>(first_.size());
    std::vector<int64_t> pos(u);
    for (int64_t g = 0; g < u; ++g) pos[g] = g;
    if (ctx.attr().get_int("sorted", 1) == 0) {
      std::vector<int64_t> by_first(u);
      for (int64_t g = 0; g < u; ++g) by_first[g] = g;
      std::sort(by_first.begin(), by_first.end(), [&](int64_t a, int64_t b) { return first_[a] < first_[b]; });
      std::vector<int64_t> f(u), c(u);
      for (int64_t k = 0; k < u; ++k) {
        pos[by_first[k]] = k;
        f[k] = first_[by_first[k]];
        c[k] = counts_[by_first[k]];
      }
      first_ = f;
      counts_ = c;
    }
    inverse_.resize(dim);
    for (int64_t j = 0; j < dim; ++j) inverse_[j] = pos[group_of[j]];
    Dims y = view_;
    y[axis_] = u;
    set_output(ctx, 0, x.dtype, std::move(y));
    const Dims index_shapes[] = {{u}, {dim}, {u}};
    for (int i = 1; i < ctx.num_outputs() && i < 4; ++i) set_output(ctx, i, DType::kInt64, index_shapes[i - 1]);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t outer = dims_product(view_, 0, axis_);
    const int64_t dim = view_[axis_];
    const int64_t inner = dims_product(view_, axis_ + 1, view_.size()) * esize_;
    const int64_t u = static_cast<int64_t>(first_.size());
    const auto* src = static_cast<const uint8_t*>(x.data);
    auto* dst = static_cast<uint8_t*>(ctx.output(0)->data);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < u; ++k) copy_bytes(dst + (o * u + k) * inner, src + (o * dim + first_[k]) * inner, inner);
    }
    const std::vector<int64_t>* extra[] = {&first_, &inverse_, &counts_};
    for (int i = 1; i < ctx.num_outputs() && i < 4; ++i) {
      copy_bytes(ctx.output(i)->data, extra[i - 1]->data(), extra[i - 1]->size() * sizeof(int64_t));
    }
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int axis_ = 0;
  Dims view_;
  std::vector<int64_t> first_, inverse_, counts_;
};

}  // namespace

void register_unique(KernelRegistry& r) {
  r.add("", "Unique", [] { return std::make_unique<UniqueKernel>(); });
}

}  // namespace qedge::ref
