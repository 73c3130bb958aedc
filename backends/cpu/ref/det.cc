#include <cmath>
#include <utility>
#include <vector>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {

namespace {

// Determinant of each [M, M] matrix in [*, M, M] by Gaussian elimination with partial pivoting.
Status prepare_det(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "Det", [](auto) { return Status::Ok(); }));
  const int r = x.rank();
  if (r < 2 || x.shape[r - 1] != x.shape[r - 2]) {
    return ShapeMismatch("Det needs square matrices [*, M, M], got " + dims_to_string(x.shape));
  }
  set_output(ctx, 0, x.dtype, Dims(x.shape.begin(), x.shape.end() - 2));
  return Status::Ok();
}

double determinant(std::vector<double>& a, int64_t m) {
  double det = 1.0;
  for (int64_t c = 0; c < m; ++c) {
    int64_t pivot = c;
    for (int64_t r = c + 1; r < m; ++r) {
      if (std::fabs(a[r * m + c]) > std::fabs(a[pivot * m + c])) pivot = r;
    }
    if (a[pivot * m + c] == 0.0) return 0.0;
    if (pivot != c) {
      for (int64_t k = 0; k < m; ++k) std::swap(a[c * m + k], a[pivot * m + k]);
      det = -det;
    }
    det *= a[c * m + c];
    for (int64_t r = c + 1; r < m; ++r) {
      const double f = a[r * m + c] / a[c * m + c];
      for (int64_t k = c; k < m; ++k) a[r * m + k] -= f * a[c * m + k];
    }
  }
  return det;
}

Status run_det(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  const int64_t m = x.shape[x.rank() - 1];
  return visit_dtype<kFloatTypes>(x.dtype, "Det", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data_as<T>();
    T* py = y.data_as<T>();
    std::vector<double> a(static_cast<size_t>(m * m));
    for (int64_t b = 0, b_end = y.numel(); b < b_end; ++b) {
      for (int64_t i = 0; i < m * m; ++i) a[i] = static_cast<double>(static_cast<compute_t<T>>(px[b * m * m + i]));
      py[b] = to_storage<T>(determinant(a, m));
    }
    return Status::Ok();
  });
}

}  // namespace

void register_det(KernelRegistry& r) { register_function_kernel(r, "Det", prepare_det, run_det); }

}  // namespace qedge::ref
