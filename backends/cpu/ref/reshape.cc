#include "common/shape_util.h"

namespace qedge::ref {
namespace {

// Resolves ONNX's 0 (copy the input dim, unless allowzero) and -1 (infer) in a target shape.
Result<Dims> resolve_reshape(const Dims& in, const std::vector<int64_t>& target,
                             bool allowzero) {
  Dims out(target.begin(), target.end());
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0) return InvalidModel("Reshape shape " + dims_to_string(target) + " has more than one -1");
      infer = static_cast<int>(i);
      continue;
    }
    if (out[i] == 0 && !allowzero) {
      if (i >= in.size()) {
        return InvalidModel("Reshape shape " + dims_to_string(target) + " copies dim " + std::to_string(i) +
                            " of input shape " + dims_to_string(in));
      }
      out[i] = in[i];
    }
    if (out[i] < 0) return InvalidModel("Reshape shape " + dims_to_string(target) + " has a negative dim");
    auto p = checked_num_elements({known, out[i]});
    if (!p.ok()) return InvalidArgument("Reshape shape " + dims_to_string(target) + " is too large");
    known = *p;
  }
  const int64_t total = num_elements(in);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) {
      return ShapeMismatch("Reshape cannot infer -1 in " + dims_to_string(target) + " from input shape " +
                           dims_to_string(in));
    }
    out[infer] = total / known;
  } else if (known != total) {
    return ShapeMismatch("Reshape shape " + dims_to_string(target) + " does not match input shape " +
                         dims_to_string(in));
  }
  return out;
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(element_bytes(ctx, x.dtype).status());
  std::vector<int64_t> target;
  if (ctx.opset < 5) {
    target = ctx.attr().get_ints("shape");
  } else {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    QEDGE_RETURN_IF_ERROR(read_int_input(ctx, 1, &target));
  }
  QEDGE_ASSIGN_OR_RETURN(Dims out, resolve_reshape(x.shape, target, ctx.attr().get_int("allowzero", 0) != 0));
  set_output(ctx, 0, x.dtype, std::move(out));
  return Status::Ok();
}

}  // namespace

void register_reshape(KernelRegistry& r) { register_function_kernel(r, "Reshape", prepare, run_copy_input); }

}  // namespace qedge::ref
