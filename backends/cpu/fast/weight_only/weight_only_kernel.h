// Weight-only quantized QConv / QMatMul (float32 X, integer W) with a float output, on the fast float kernels. The
// reference (common/int_linear.h) sums x * (w - w_zero_point) in double, then clamp(acc * mult + add). Here the
// weights become W'[c] = (w - w_zero_point[c]) * mult[c] in float once per constant weight, and the layer runs as a
// qedge.FusedConv / FusedGemm of the fast registry (blocked GEMM, im2col, Winograd, depthwise or XNNPACK, whichever
// that kernel picks) with `add` as its bias and the clamp as its fused activation: the epilogue costs no pass of its
// own. Results agree with the reference to float rounding (the reference's exact double sum becomes a float one).
// Layers with integer (quantized or MultiThreshold) outputs keep the integer kernels: their levels must be
// bit-identical to the reference's, which a float sum cannot promise.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// True for a QConv/QMatMul with float32 X, integer W, no XNOR, a float output (no out_scale, no thresholds) and
// finite mult, add and non-NaN clamp bounds (NaN and infinities keep the reference's exact semantics).
bool weight_only_applies(const KernelContext& ctx);

// The float form of a weight-only layer: what the op-specific part (qconv_weight_only.cc, qmatmul_weight_only.cc)
// fills at prepare, and the float weights, bias and inner kernel that run it.
class WeightOnlyFloatLayer {
 public:
  // The inner node: `op` of the qedge domain with `attrs` (the activation is added here), X and Y seen with the given
  // shapes, W's output channels along `channel_axis`. Reads mult/add/clamp (already checked by the caller's
  // IntLinearEpilogue::read) and creates the inner kernel from `make_inner` on the first call.
  Status prepare(const KernelContext& ctx, const char* op, AttrMap attrs, const Dims& x_shape, const Dims& y_shape,
                 int channel_axis, const KernelFactory& make_inner);
  // Converts the weights when W is not the constant they were made from, prepares the inner kernel once per prepare,
  // and runs it on ctx's X and Y.
  Status run(const KernelContext& ctx);

 private:
  Status convert_weights(const KernelContext& ctx);

  int channel_axis_ = 0;
  std::vector<float> mult_;
  std::vector<float> weights_;    // (w - w_zero_point) * mult, W's layout
  std::vector<float> bias_;       // add, one per output channel; empty when all zero
  const void* source_ = nullptr;  // the constant W the weights were made from (null: convert every run)
  Tensor x_, w_, b_, y_;          // the inner node's views
  AttrMap attrs_;
  std::string op_;
  KernelContext inner_ctx_;
  std::unique_ptr<OpKernel> inner_;
  bool inner_ready_ = false;
};

// A QConv/QMatMul kernel that runs layer_ for weight-only layers (weight_only_applies) and `integer` (the fast integer
// kernel, which itself falls back to the reference) for the others. `ref` (the reference registry) must outlive it.
class WeightOnlyOr : public OpKernel {
 public:
  WeightOnlyOr(const KernelRegistry& ref, std::unique_ptr<OpKernel> integer)
      : ref_(ref), integer_(std::move(integer)) {}

  // For a weight-only layer: the reference's prepare (same checks, messages and output), then prepare_float.
  Status prepare(KernelContext& ctx) final;
  Status run(KernelContext& ctx) final { return float_ ? layer_.run(ctx) : integer_->run(ctx); }

 protected:
  // The op's inner node: layer_.prepare.
  virtual Status prepare_float(KernelContext& ctx) = 0;
  // Makes the fast float kernel `op` (qedge domain) that `add_kernels` registers, falling back to the reference.
  KernelFactory fast_kernel(void (*add_kernels)(KernelRegistry&, const KernelRegistry&), const char* op) const;

  WeightOnlyFloatLayer layer_;

 private:
  const KernelRegistry& ref_;
  std::unique_ptr<OpKernel> integer_;
  bool float_ = false;
};

// The fast QConv / QMatMul kernels: weight-only layers as above, the others `integer`.
std::unique_ptr<OpKernel> weight_only_qconv_or(const KernelRegistry& ref, std::unique_ptr<OpKernel> integer);
std::unique_ptr<OpKernel> weight_only_qmatmul_or(const KernelRegistry& ref, std::unique_ptr<OpKernel> integer);

}  // namespace qedge::fast
