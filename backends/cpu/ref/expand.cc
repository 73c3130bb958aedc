#include "common/broadcast.h"
#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  std::vector<int64_t> shape;
  QEDGE_RETURN_IF_ERROR(read_copy_plan(ctx, &shape));
  QEDGE_RETURN_IF_ERROR(check_shape(ctx, shape));
  // Bidirectional broadcast: the output may be larger than `shape` along any axis.
  QEDGE_ASSIGN_OR_RETURN(Dims out, broadcast_shapes(ctx.input(0)->shape, shape));
  return set_copy_output(ctx, std::move(out));
}

Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  const size_t esize = dtype_bits(x.dtype) / 8;
  for_each_broadcast<1>(y.shape, {&x.shape}, [&](int64_t i, const std::array<int64_t, 1>& off) {
    copy_element(y.data, i, x.data, off[0], esize);
  });
  return Status::Ok();
}

}  // namespace

void register_expand(KernelRegistry& r) { register_function_kernel(r, "Expand", prepare, run); }

}  // namespace qedge::ref
