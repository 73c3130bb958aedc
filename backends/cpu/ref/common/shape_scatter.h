// Scatter kernels (ScatterElements, Scatter, ScatterND): the reduction attribute and the typed
// combine step, plus the ScatterElements kernel that Scatter (its old name) reuses.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "int_math.h"
#include "shape_util.h"

namespace qedge::ref {

enum class ScatterReduction { kNone, kAdd, kMul, kMax, kMin };

inline Result<ScatterReduction> read_scatter_reduction(const KernelContext& ctx) {
  const std::string r = ctx.attr().get_string("reduction", "none");
  if (r == "none") return ScatterReduction::kNone;
  if (r == "add") return ScatterReduction::kAdd;
  if (r == "mul") return ScatterReduction::kMul;
  if (r == "max") return ScatterReduction::kMax;
  if (r == "min") return ScatterReduction::kMin;
  return InvalidModel(op_name(ctx) + " reduction '" + r + "' is not one of none, add, mul, max, min");
}

// Checks shared by the scatter kernels: data, int32/int64 indices and updates of data's type;
// returns the reduction attribute.
inline Result<ScatterReduction> prepare_scatter(const KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(prepare_indexed_data(ctx, 3).status());
  QEDGE_ASSIGN_OR_RETURN(ScatterReduction red, read_scatter_reduction(ctx));
  if (ctx.input(2)->dtype != ctx.input(0)->dtype) {
    return InvalidModel(op_name(ctx) + " updates type differs from data type");
  }
  return red;
}

// Each pair (dst, src) combines `slice` consecutive update elements starting at src into the
// output starting at dst, in order (so duplicate indices reduce, or the last write wins).
using ScatterPairs = std::vector<std::pair<int64_t, int64_t>>;

// Output 0 = data (input 0), then the pairs of updates (input 2) combined into it.
inline Status apply_scatter(KernelContext& ctx, ScatterReduction red, const ScatterPairs& pairs, int64_t slice) {
  Tensor& out = *ctx.output(0);
  const Tensor& updates = *ctx.input(2);
  copy_bytes(out.data, ctx.input(0)->data, ctx.input(0)->nbytes());
  if (red == ScatterReduction::kNone) {
    const size_t esize = dtype_bits(out.dtype) / 8;
    for (const auto& [dst, src] : pairs) {
      copy_bytes(static_cast<uint8_t*>(out.data) + dst * esize, static_cast<const uint8_t*>(updates.data) + src * esize,
                 slice * esize);
    }
    return Status::Ok();
  }
  return visit_dtype<kNumericTypes>(out.dtype, op_name(ctx).c_str(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    T* o = out.data_as<T>();
    const T* u = updates.data_as<T>();
    for (const auto& [dst, src] : pairs) {
      for (int64_t i = 0; i < slice; ++i) {
        const C a = static_cast<C>(o[dst + i]);
        const C b = static_cast<C>(u[src + i]);
        C v = b;
        switch (red) {
          case ScatterReduction::kNone:
            break;
          case ScatterReduction::kAdd:
            v = wrap_add(a, b);
            break;
          case ScatterReduction::kMul:
            v = wrap_mul(a, b);
            break;
          case ScatterReduction::kMax:
            v = std::max(a, b);
            break;
          case ScatterReduction::kMin:
            v = std::min(a, b);
            break;
        }
        o[dst + i] = to_storage<T>(v);
      }
    }
    return Status::Ok();
  });
}

// ScatterElements: output = data, then output[idx with axis replaced by indices[idx]] (op)= updates[idx].
class ScatterElementsKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_ASSIGN_OR_RETURN(red_, prepare_scatter(ctx));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    const Tensor& upd = *ctx.input(2);
    QEDGE_ASSIGN_OR_RETURN(axis_, read_data_axis(ctx, x));
    if (ind.shape != upd.shape || !indices_fit_data(ind.shape, x.shape, axis_)) {
      return ShapeMismatch(op_name(ctx) + " indices shape " + dims_to_string(ind.shape) + " and updates shape " +
                           dims_to_string(upd.shape) + " do not fit data shape " + dims_to_string(x.shape));
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    ScatterPairs pairs;
    QEDGE_RETURN_IF_ERROR(
        for_each_axis_index(ctx, x, ind, axis_, [&](int64_t i, int64_t off) { pairs.emplace_back(off, i); }));
    return apply_scatter(ctx, red_, pairs, 1);
  }

 private:
  ScatterReduction red_ = ScatterReduction::kNone;
  int axis_ = 0;
};

}  // namespace qedge::ref
