#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(element_bytes(ctx, x.dtype).status());
  if (x.rank() < 2) return InvalidModel("Trilu input must have rank >= 2, got " + dims_to_string(x.shape));
  if (const Tensor* k = ctx.input(1)) {
    if (k->dtype != DType::kInt64 || k->numel() != 1) return InvalidModel("Trilu k must be an int64 scalar");
  }
  set_output(ctx, 0, x.dtype, x.shape);
  return Status::Ok();
}

// Keeps elements with j - i >= k (upper) or j - i <= k (lower) of each trailing matrix, zeroes the rest.
Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  const int64_t k = ctx.input(1) != nullptr ? ctx.input(1)->data_as<int64_t>()[0] : 0;
  const bool upper = ctx.attr().get_int("upper", 1) != 0;
  const size_t esize = dtype_bits(x.dtype) / 8;
  const int64_t rows = x.shape[x.rank() - 2];
  const int64_t cols = x.shape[x.rank() - 1];
  const int64_t mats = dims_product(x.shape, 0, x.shape.size() - 2);
  copy_bytes(y.data, x.data, x.nbytes());
  auto* out = static_cast<uint8_t*>(y.data);
  for (int64_t m = 0; m < mats; ++m) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        const bool keep = upper ? j - i >= k : j - i <= k;
        if (!keep) std::memset(out + ((m * rows + i) * cols + j) * esize, 0, esize);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

void register_trilu(KernelRegistry& r) { register_function_kernel(r, "Trilu", prepare, run); }

}  // namespace qedge::ref
