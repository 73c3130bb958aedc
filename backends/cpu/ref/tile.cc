#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  std::vector<int64_t> repeats;
  QEDGE_RETURN_IF_ERROR(read_copy_plan(ctx, &repeats));
  const Tensor& x = *ctx.input(0);
  if (static_cast<int>(repeats.size()) != x.rank()) {
    return InvalidModel("Tile repeats has " + std::to_string(repeats.size()) + " values for input shape " +
                        dims_to_string(x.shape));
  }
  Dims out = x.shape;
  for (size_t d = 0; d < out.size(); ++d) {
    if (repeats[d] < 0) return InvalidArgument("Tile repeats " + dims_to_string(repeats) + " has a negative value");
    auto n = checked_num_elements({out[d], repeats[d]});
    if (!n.ok()) return InvalidArgument("Tile output is too large for repeats " + dims_to_string(repeats));
    out[d] = *n;
  }
  return set_copy_output(ctx, std::move(out));
}

Status run(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  const size_t esize = dtype_bits(x.dtype) / 8;
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  for_each_index(y.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) off += (idx[d] % x.shape[d]) * strides[d];
    copy_element(y.data, o, x.data, off, esize);
  });
  return Status::Ok();
}

}  // namespace

void register_tile(KernelRegistry& r) { register_function_kernel(r, "Tile", prepare, run); }

}  // namespace qedge::ref
