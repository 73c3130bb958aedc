// QONNX Trunc: accumulator truncation. v1 has 5 inputs (X, scale, zeropt, in_bitwidth, out_bitwidth) and
// keeps the input scale; v2 has 6 (X, scale, zeropt, in_bitwidth, out_scale, out_bitwidth), clamps to the
// output range and rescales with out_scale. The input count tells them apart (v2 is also what a model
// importing qonnx.custom_op.general >= 2 uses). rounding_mode (default FLOOR) applies to the truncation only.
#include "common/quant_qonnx.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

constexpr std::array<int, 2> kV1Params{1, 2};
constexpr std::array<int, 3> kV2Params{1, 2, 4};
// Widths beyond 64 bits would make 2^(in - out) meaningless for float32 data anyway.
constexpr int kMaxBits = 64;

bool is_v2(const KernelContext& ctx) { return ctx.num_inputs() >= 6; }

struct TruncParams {
  int in_bits = 0;
  quant::IntQuantParams out;  // bits, signed, narrow (v2) and rounding mode
};

Result<TruncParams> trunc_params(const KernelContext& ctx) {
  if (ctx.num_inputs() != 5 && ctx.num_inputs() != 6) {
    return InvalidModel("Trunc takes 5 inputs (v1) or 6 (v2), got " + std::to_string(ctx.num_inputs()));
  }
  TruncParams p;
  QEDGE_ASSIGN_OR_RETURN(p.in_bits, read_bit_width(ctx, 3, "in_bitwidth", kMaxBits));
  QEDGE_ASSIGN_OR_RETURN(p.out.bits, read_bit_width(ctx, is_v2(ctx) ? 5 : 4, "out_bitwidth", is_v2(ctx) ? 32 : kMaxBits));
  QEDGE_ASSIGN_OR_RETURN(p.out.mode, rounding_mode_attr(ctx, "FLOOR"));
  p.out.is_signed = ctx.attr().get_int("signed", 1) != 0;
  p.out.narrow = ctx.attr().get_int("narrow", 0) != 0;
  return p;
}

Status prepare(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(trunc_params(ctx).status());
  if (is_v2(ctx)) return prepare_qonnx_elementwise<3>(ctx, kV2Params, {"scale", "zeropt", "out_scale"});
  return prepare_qonnx_elementwise<2>(ctx, kV1Params, {"scale", "zeropt"});
}

Status run(KernelContext& ctx) {
  QEDGE_ASSIGN_OR_RETURN(const TruncParams p, trunc_params(ctx));
  if (is_v2(ctx)) {
    run_qonnx_elementwise<3>(ctx, kV2Params, [&](const std::array<float, 4>& v) {
      return quant::trunc_v2_value(v[0], v[1], v[2], v[3], p.out);
    });
    return Status::Ok();
  }
  const float in_bits = static_cast<float>(p.in_bits);
  const float out_bits = static_cast<float>(p.out.bits);
  run_qonnx_elementwise<2>(ctx, kV1Params, [&](const std::array<float, 3>& v) {
    return quant::trunc_v1_value(v[0], v[1], v[2], in_bits, out_bits, p.out.mode);
  });
  return Status::Ok();
}

}  // namespace

void register_trunc(KernelRegistry& r) { register_function_kernel(r, "Trunc", prepare, run, kQonnxDomain); }

}  // namespace qedge::ref
