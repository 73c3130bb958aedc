// Transpose's attribute and shape rules, shared by the reference kernel and the fast CPU one.
#pragma once

#include <vector>

#include "shape_util.h"

namespace qedge::ref {

// Reads `perm` (default: the reversed axes), checks it against X and sets output 0; returns the normalized perm.
inline Result<std::vector<int>> transpose_prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  const int rank = x.rank();
  std::vector<int64_t> perm = ctx.attr().get_ints("perm");
  if (!ctx.attr().has("perm")) {
    for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  if (static_cast<int>(perm.size()) != rank) {
    return InvalidModel("Transpose perm has " + std::to_string(perm.size()) + " entries for input shape " +
                        dims_to_string(x.shape));
  }
  QEDGE_ASSIGN_OR_RETURN(std::vector<int> norm, normalize_axes(ctx, perm, rank));
  Dims out;
  for (int p : norm) out.push_back(x.shape[p]);
  set_output(ctx, 0, x.dtype, std::move(out));
  return norm;
}

}  // namespace qedge::ref
