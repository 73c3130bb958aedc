#include <cmath>

#include "common/int_math.h"
#include "common/shape_util.h"

namespace qedge::ref {
namespace {

constexpr unsigned kRangeTypes = kFloatTypes | kSignedIntTypes;

// Reads the three scalars in compute precision.
template <typename T>
void read_scalars(const KernelContext& ctx, compute_t<T>* start, compute_t<T>* limit, compute_t<T>* delta) {
  *start = static_cast<compute_t<T>>(ctx.input(0)->data_as<T>()[0]);
  *limit = static_cast<compute_t<T>>(ctx.input(1)->data_as<T>()[0]);
  *delta = static_cast<compute_t<T>>(ctx.input(2)->data_as<T>()[0]);
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
  const DType t = ctx.input(0)->dtype;
  for (int i = 0; i < 3; ++i) {
    const Tensor& in = *ctx.input(i);
    if (in.dtype != t || in.numel() != 1) {
      return InvalidModel("Range inputs must be scalars of one type; input " + std::to_string(i) + " is " +
                          dtype_name(in.dtype) + " " + dims_to_string(in.shape));
    }
    QEDGE_RETURN_IF_ERROR(require_value(ctx, i));
  }
  int64_t n = 0;
  QEDGE_RETURN_IF_ERROR(visit_dtype<kRangeTypes>(t, "Range", [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_t<T> start, limit, delta;
    read_scalars<T>(ctx, &start, &limit, &delta);
    if (delta == 0) return InvalidArgument("Range delta is 0");
    if constexpr (std::is_integral_v<T>) {
      // Ceil division in 128 bits so that limit - start cannot overflow.
      const __int128 diff = static_cast<__int128>(limit) - start;
      __int128 q = diff / delta;
      if (q * delta != diff && ((diff > 0) == (delta > 0))) ++q;
      if (q > kMaxElements) return InvalidArgument("Range has too many elements");
      n = q > 0 ? static_cast<int64_t>(q) : 0;
    } else {
      const double q = std::ceil((static_cast<double>(limit) - start) / delta);
      if (!(q < static_cast<double>(kMaxElements))) {
        return InvalidArgument("Range start " + std::to_string(start) + ", limit " + std::to_string(limit) +
                               " and delta " + std::to_string(delta) + " give too many elements");
      }
      n = q > 0 ? static_cast<int64_t>(q) : 0;
    }
    return Status::Ok();
  }));
  set_output(ctx, 0, t, {n});
  return Status::Ok();
}

Status run(KernelContext& ctx) {
  Tensor& y = *ctx.output(0);
  const int64_t n = y.numel();
  return visit_dtype<kRangeTypes>(y.dtype, "Range", [&](auto tag) {
    using T = typename decltype(tag)::type;
    compute_t<T> start, limit, delta;
    read_scalars<T>(ctx, &start, &limit, &delta);
    T* out = y.data_as<T>();
    // Accumulate in the element type, as the spec's loop does: out[i] = out[i-1] + delta.
    T v = to_storage<T>(start);
    for (int64_t i = 0; i < n; ++i) {
      out[i] = v;
      v = to_storage<T>(wrap_add(static_cast<compute_t<T>>(v), delta));
    }
    return Status::Ok();
  });
}

}  // namespace

void register_range(KernelRegistry& r) { register_function_kernel(r, "Range", prepare, run); }

}  // namespace qedge::ref
