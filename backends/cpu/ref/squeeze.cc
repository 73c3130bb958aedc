#include "common/shape_util.h"

namespace qedge::ref {
namespace {

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_storable_input(ctx));
  const Tensor& x = *ctx.input(0);
  std::vector<int64_t> axes;
  // An empty axes input squeezes every 1, like an absent one.
  QEDGE_ASSIGN_OR_RETURN(const bool have_axes, read_reshape_axes(ctx, /*input_required=*/false, &axes));
  std::vector<bool> drop(x.shape.size(), false);
  if (have_axes) {
    QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, axes, x.rank()));
    for (int a : norm) {
      if (x.shape[a] != 1) {
        return ShapeMismatch("Squeeze axis " + std::to_string(a) + " of input shape " + dims_to_string(x.shape) +
                             " is not 1");
      }
      drop[a] = true;
    }
  } else {
    for (size_t i = 0; i < x.shape.size(); ++i) drop[i] = x.shape[i] == 1;
  }
  Dims out;
  for (size_t i = 0; i < x.shape.size(); ++i) {
    if (!drop[i]) out.push_back(x.shape[i]);
  }
  set_output(ctx, 0, x.dtype, std::move(out));
  return Status::Ok();
}

}  // namespace

void register_squeeze(KernelRegistry& r) { register_function_kernel(r, "Squeeze", prepare, run_copy_input); }

}  // namespace qedge::ref
