#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  if (x.rank() != 2) return InvalidModel("EyeLike input must be 2-D, got " + dims_to_string(x.shape));
  const int64_t dt = ctx.attr().get_int("dtype", static_cast<int64_t>(x.dtype));
  if (dt < 0 || dt > kMaxDTypeValue || !dtype_is_valid(static_cast<int>(dt))) {
    return InvalidModel("EyeLike dtype " + std::to_string(dt) + " is not a valid element type");
  }
  const DType out = static_cast<DType>(dt);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kAllTypes>(out, "EyeLike", [](auto) { return Status::Ok(); }));
  set_output(ctx, 0, out, x.shape);
  return Status::Ok();
}

// Ones on the diagonal shifted by k (k > 0 above the main diagonal), zeros elsewhere.
Status run(KernelContext& ctx) {
  Tensor& y = *ctx.output(0);
  const int64_t rows = y.shape[0], cols = y.shape[1];
  const int64_t k = ctx.attr().get_int("k", 0);
  return visit_dtype<kAllTypes>(y.dtype, "EyeLike", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = y.data_as<T>();
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = to_storage<T>(j - i == k ? 1 : 0);
    }
    return Status::Ok();
  });
}

}  // namespace

void register_eye_like(KernelRegistry& r) { register_function_kernel(r, "EyeLike", prepare, run); }

}  // namespace qedge::ref
