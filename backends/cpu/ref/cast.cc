#include <cctype>
#include <string>

#include "common/kernel_util.h"
#include "common/math_cast.h"

namespace qedge::ref {
namespace {

// The target type: an int from opset 6 on, a type name such as "FLOAT" before.
Result<DType> cast_target(const AttrMap& attrs) {
  const Attr* to = attrs.find("to");
  if (to != nullptr && to->kind == AttrKind::kString) {
    std::string name = to->s;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int t = 1; t <= kMaxDTypeValue; ++t) {
      if (name == dtype_name(static_cast<DType>(t))) return static_cast<DType>(t);
    }
    return InvalidModel("Cast attribute to=\"" + to->s + "\" is not a known element type");
  }
  const int64_t value = to != nullptr && to->kind == AttrKind::kInt ? to->i : 0;
  if (value <= 0 || !dtype_is_valid(static_cast<int>(value))) {
    return InvalidModel("Cast attribute to=" + std::to_string(value) + " is not a valid element type");
  }
  return static_cast<DType>(value);
}

// Cast and CastLike differ only in where the target type comes from.
Status prepare_cast(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_ASSIGN_OR_RETURN(const DType target, cast_target(ctx.attr()));
  if (!castable(x.dtype) || !castable(target)) {
    return Unsupported(std::string("Cast from ") + dtype_name(x.dtype) + " to " + dtype_name(target) +
                       " is not supported");
  }
  set_output(ctx, 0, target, x.shape);
  return Status::Ok();
}

Status run_cast(KernelContext& ctx) { return cast_tensor(*ctx.input(0), *ctx.output(0)); }

}  // namespace

void register_cast(KernelRegistry& r) { register_function_kernel(r, "Cast", prepare_cast, run_cast); }

}  // namespace qedge::ref
