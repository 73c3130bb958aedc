// QONNX Quant (alias IntQuant): integer fake-quantization, Y = (R(clip(X/scale + zeropt)) - zeropt) * scale.
// Inputs X, scale, zeropt, bitwidth; attributes signed (default 1), narrow (default 0), rounding_mode.
#include "common/quant_qonnx.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

constexpr std::array<int, 2> kParams{1, 2};

// Missing signed/narrow take the documented defaults (signed=1, narrow=0); qonnx itself requires them.
Result<quant::IntQuantParams> quant_params(const KernelContext& ctx) {
  quant::IntQuantParams p;
  QEDGE_ASSIGN_OR_RETURN(p.bits, read_bit_width(ctx, 3, "bitwidth", 32));
  QEDGE_ASSIGN_OR_RETURN(p.mode, rounding_mode_attr(ctx));
  p.is_signed = ctx.attr().get_int("signed", 1) != 0;
  p.narrow = ctx.attr().get_int("narrow", 0) != 0;
  return p;
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(prepare_qonnx_elementwise<2>(ctx, kParams, {"scale", "zeropt"}));
  return quant_params(ctx).status();
}

Status run(KernelContext& ctx) {
  QEDGE_ASSIGN_OR_RETURN(const quant::IntQuantParams p, quant_params(ctx));
  run_qonnx_elementwise<2>(ctx, kParams, [&](const std::array<float, 3>& v) {
    return quant::int_quant_value(v[0], v[1], v[2], p);
  });
  return Status::Ok();
}

}  // namespace

void register_quant(KernelRegistry& r) { register_function_kernel(r, "Quant", prepare, run, kQonnxDomain); }

}  // namespace qedge::ref
