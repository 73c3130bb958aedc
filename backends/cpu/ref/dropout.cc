#include <cstdint>
#include <cstring>
#include <string>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

// Inference-only Dropout: Y = X and the optional mask keeps everything. The mask is bool from opset 10
// on and has X's type before. Training mode (opset 12+: input 2) with a non-zero ratio drops random
// elements, which a deterministic reference cannot reproduce, so it is Unsupported.
Status prepare_dropout(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "Dropout", [](auto) { return Status::Ok(); }));
  const Tensor* ratio = ctx.input(1);
  if (ratio != nullptr && (!dtype_is_float(ratio->dtype) || ratio->numel() != 1)) {
    return InvalidModel(std::string("Dropout ratio must be a float scalar, got ") + dtype_name(ratio->dtype) + " " +
                        dims_to_string(ratio->shape));
  }
  const Tensor* training = ctx.input(2);
  if (training != nullptr && (training->dtype != DType::kBool || training->numel() != 1)) {
    return InvalidModel(std::string("Dropout training_mode must be a bool scalar, got ") + dtype_name(training->dtype) +
                        " " + dims_to_string(training->shape));
  }
  set_output(ctx, 0, x.dtype, x.shape);
  if (ctx.num_outputs() > 1) set_output(ctx, 1, ctx.opset >= 10 ? DType::kBool : x.dtype, x.shape);
  return Status::Ok();
}

Status run_dropout(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const Tensor* ratio = ctx.input(1);
  const Tensor* training = ctx.input(2);
  if (training != nullptr && training->data_as<uint8_t>()[0] != 0) {
    const double r = ratio != nullptr ? read_as_double(ratio->dtype, ratio->data, 0) : 0.5;
    if (r != 0.0) {
      return Unsupported("Dropout with training_mode=true and ratio=" + std::to_string(r) +
                         " is random; only inference (or ratio 0) is supported");
    }
  }
  if (x.nbytes() > 0) std::memcpy(ctx.output(0)->data, x.data, x.nbytes());
  if (ctx.num_outputs() > 1) {
    Tensor& mask = *ctx.output(1);
    return visit_dtype<kFloatTypes | kBoolType>(mask.dtype, "Dropout mask", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* m = mask.data_as<T>();
      for (int64_t i = 0, i_end = mask.numel(); i < i_end; ++i) m[i] = to_storage<T>(1);
      return Status::Ok();
    });
  }
  return Status::Ok();
}

}  // namespace

void register_dropout(KernelRegistry& r) { register_function_kernel(r, "Dropout", prepare_dropout, run_dropout); }

}  // namespace qedge::ref
