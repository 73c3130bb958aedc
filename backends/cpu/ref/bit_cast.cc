#include <cstdint>
#include <cstring>
#include <string>

#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

// BitCast reinterprets each element's bits as the type `to`; element sizes must match.
Status prepare_bit_cast(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const Tensor& x = *ctx.input(0);
  const int64_t to = ctx.attr().get_int("to", 0);
  if (to <= 0 || to > kMaxDTypeValue) {
    return InvalidModel("BitCast attribute to=" + std::to_string(to) + " is not a valid element type");
  }
  const DType target = static_cast<DType>(to);
  const int from_bits = dtype_bits(x.dtype);
  const int to_bits = dtype_bits(target);
  if (from_bits == 0 || to_bits == 0) {
    return Unsupported(std::string("BitCast between ") + dtype_name(x.dtype) + " and " + dtype_name(target) +
                       " is not supported");
  }
  if (from_bits != to_bits) {
    return InvalidModel(std::string("BitCast from ") + dtype_name(x.dtype) + " (" + std::to_string(from_bits) +
                        " bits) to " + dtype_name(target) + " (" + std::to_string(to_bits) +
                        " bits): element sizes differ");
  }
  set_output(ctx, 0, target, x.shape);
  return Status::Ok();
}

Status run_bit_cast(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  Tensor& y = *ctx.output(0);
  if (y.dtype == DType::kBool) {
    // A byte other than 0 or 1 is not a valid bool: normalize instead of copying.
    const auto* in = x.data_as<uint8_t>();
    bool* out = y.data_as<bool>();
    for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) out[i] = in[i] != 0;
  } else if (x.nbytes() > 0) {
    std::memcpy(y.data, x.data, x.nbytes());
  }
  return Status::Ok();
}

}  // namespace

void register_bit_cast(KernelRegistry& r) { register_function_kernel(r, "BitCast", prepare_bit_cast, run_bit_cast); }

}  // namespace qedge::ref
