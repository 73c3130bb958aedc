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

// Each pair (dst, src) combines `slice` consecutive update elements starting at src into the
// output starting at dst, in order (so duplicate indices reduce, or the last write wins).
using ScatterPairs = std::vector<std::pair<int64_t, int64_t>>;

inline Status apply_scatter(const KernelContext& ctx, ScatterReduction red, Tensor& out, const Tensor& updates,
                            const ScatterPairs& pairs, int64_t slice) {
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
          case ScatterReduction::kNone: break;
          case ScatterReduction::kAdd: v = wrap_add(a, b); break;
          case ScatterReduction::kMul: v = wrap_mul(a, b); break;
          case ScatterReduction::kMax: v = std::max(a, b); break;
          case ScatterReduction::kMin: v = std::min(a, b); break;
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
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    const Tensor& upd = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(element_bytes(ctx, x.dtype).status());
    QEDGE_RETURN_IF_ERROR(require_index_type(ctx, ind, "indices"));
    QEDGE_ASSIGN_OR_RETURN(red_, read_scatter_reduction(ctx));
    if (upd.dtype != x.dtype) return InvalidModel(op_name(ctx) + " updates type differs from data type");
    if (x.rank() == 0) return InvalidModel(op_name(ctx) + " data must have rank >= 1");
    const std::string what = op_name(ctx) + " axis";
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), what.c_str()));
    bool ok = ind.shape == upd.shape && ind.rank() == x.rank();
    for (int d = 0; ok && d < x.rank(); ++d) ok = d == axis_ || ind.shape[d] <= x.shape[d];
    if (!ok) {
      return ShapeMismatch(op_name(ctx) + " indices shape " + dims_to_string(ind.shape) + " and updates shape " +
                           dims_to_string(upd.shape) + " do not fit data shape " + dims_to_string(x.shape));
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& ind = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    ScatterPairs pairs;
    Status status;
    for_each_index(ind.shape, [&](const std::vector<int64_t>& idx, int64_t i) {
      if (!status.ok()) return;
      auto k = read_index(ctx, ind, i, x.shape[axis_]);
      if (!k.ok()) {
        status = k.status();
        return;
      }
      pairs.emplace_back(offset_of(idx, strides) + (*k - idx[axis_]) * strides[axis_], i);
    });
    QEDGE_RETURN_IF_ERROR(status);
    copy_bytes(y.data, x.data, x.nbytes());
    return apply_scatter(ctx, red_, y, *ctx.input(2), pairs, 1);
  }

 private:
  ScatterReduction red_ = ScatterReduction::kNone;
  int axis_ = 0;
};

}  // namespace qedge::ref
