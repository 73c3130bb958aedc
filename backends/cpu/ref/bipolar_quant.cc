// QONNX BipolarQuant: Y = (X >= 0 ? +1 : -1) * scale. Inputs X, scale; no attributes.
#include "common/quant_qonnx.h"
#include "qedge/quant/quant_ops.h"

namespace qedge::ref {
namespace {

constexpr std::array<int, 1> kParams{1};

Status prepare(KernelContext& ctx) { return prepare_qonnx_elementwise<1>(ctx, kParams, {"scale"}); }

Status run(KernelContext& ctx) {
  run_qonnx_elementwise<1>(ctx, kParams,
                           [](const std::array<float, 2>& v) { return quant::bipolar_quant_value(v[0], v[1]); });
  return Status::Ok();
}

}  // namespace

void register_bipolar_quant(KernelRegistry& r) {
  register_function_kernel(r, "BipolarQuant", prepare, run, kQonnxDomain);
}

}  // namespace qedge::ref
