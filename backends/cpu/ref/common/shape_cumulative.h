// CumSum and CumProd: a running reduction along an axis given as an input, with the exclusive and
// reverse attributes. One kernel, parameterized by the combine step and its identity.
#pragma once

#include <string>

#include "int_math.h"
#include "shape_util.h"

namespace qedge::ref {

constexpr unsigned kCumulativeTypes = kNumericTypes;

inline Status prepare_cumulative(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& axis = *ctx.input(1);
  QEDGE_RETURN_IF_ERROR(
      visit_dtype<kCumulativeTypes>(x.dtype, op_name(ctx).c_str(), [](auto) { return Status::Ok(); }));
  QEDGE_RETURN_IF_ERROR(require_index_type(ctx, axis, "axis"));
  if (axis.numel() != 1) return InvalidModel(op_name(ctx) + " axis must hold one value");
  if (x.rank() == 0) return InvalidModel(op_name(ctx) + " input must have rank >= 1");
  set_output(ctx, 0, x.dtype, x.shape);
  return Status::Ok();
}

// Combine is a generic lambda (acc, v) -> acc in compute precision; identity starts the running value.
template <typename Combine>
Status run_cumulative(KernelContext& ctx, Combine combine, int identity) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  std::vector<int64_t> axis_value;
  const std::string what = op_name(ctx) + " axis";
  QEDGE_RETURN_IF_ERROR(read_int_values(ctx.input(1)->dtype, ctx.input(1)->data, 1, what.c_str(), &axis_value));
  QEDGE_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_value[0], x.rank(), what.c_str()));
  const bool exclusive = ctx.attr().get_int("exclusive", 0) != 0;
  const bool reverse = ctx.attr().get_int("reverse", 0) != 0;
  const int64_t outer = dims_product(x.shape, 0, axis);
  const int64_t dim = x.shape[axis];
  const int64_t inner = dims_product(x.shape, axis + 1, x.shape.size());
  return visit_dtype<kCumulativeTypes>(x.dtype, op_name(ctx).c_str(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    const T* in = x.data_as<T>();
    T* out = y.data_as<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        C acc = static_cast<C>(identity);
        for (int64_t s = 0; s < dim; ++s) {
          const int64_t j = reverse ? dim - 1 - s : s;
          const int64_t at = (o * dim + j) * inner + i;
          const C v = static_cast<C>(in[at]);
          if (exclusive) {
            out[at] = to_storage<T>(acc);
            acc = combine(acc, v);
          } else {
            acc = combine(acc, v);
            out[at] = to_storage<T>(acc);
          }
        }
      }
    }
    return Status::Ok();
  });
}

}  // namespace qedge::ref
