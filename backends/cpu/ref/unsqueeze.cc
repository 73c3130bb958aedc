#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_storable_input(ctx));
  const Tensor& x = *ctx.input(0);
  std::vector<int64_t> axes;
  QEDGE_RETURN_IF_ERROR(read_reshape_axes(ctx, /*input_required=*/true, &axes).status());
  // Axes index the output, whose rank is the input's plus the number of new dims.
  const int out_rank = x.rank() + static_cast<int>(axes.size());
  QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, axes, out_rank));
  std::vector<bool> is_new(static_cast<size_t>(out_rank), false);
  for (int a : norm) is_new[a] = true;
  Dims out;
  size_t next = 0;
  for (int i = 0; i < out_rank; ++i) out.push_back(is_new[i] ? 1 : x.shape[next++]);
  set_output(ctx, 0, x.dtype, std::move(out));
  return Status::Ok();
}

}  // namespace

void register_unsqueeze(KernelRegistry& r) { register_function_kernel(r, "Unsqueeze", prepare, run_copy_input); }

}  // namespace qedge::ref
