// XNNPACK (Debian's 2022 build) behind the fast CPU kernels, float32 only. The fast Conv, Gemm and MatMul hand a node
// to an XnnPath when it fits; element-wise ops and GlobalAveragePool are kernels of their own. Without XNNPACK
// (QEDGE_WITH_XNNPACK unset) nothing fits and nothing is registered, so callers need no build switches.
// XNNPACK's int8 operators are not used: see docs/perf/cpu.md ("XNNPACK and int8").
#pragma once

#include <memory>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// Runs one node in place of a fast kernel's own code; made at the kernel's prepare.
class XnnPath {
 public:
  virtual ~XnnPath() = default;
  virtual Status run(KernelContext& ctx) = 0;
};

#if QEDGE_WITH_XNNPACK
// Float depthwise 2-D Conv (group == channels == maps) in the forms XNNPACK's NCHW depthwise kernels take: 3x3 or 5x5,
// equal strides of 1 or 2, dilation 1, and the pads those kernels are written for.
bool xnn_depthwise_conv_fits(const KernelContext& ctx);
std::unique_ptr<XnnPath> make_xnn_depthwise_conv(const KernelContext& ctx);

// Float MatMul with a 2-D right operand, and Gemm (transA = 0, alpha = 1, no C or beta = 1 with a C of N values),
// as XNNPACK's fully connected operator (weights packed once while they are model constants); also their qedge.Fused*
// forms, whose activation the path applies. Null when the node does not fit; an error only for a bad activation.
bool xnn_fully_connected_fits(const KernelContext& ctx);
Result<std::unique_ptr<XnnPath>> make_xnn_fully_connected(const KernelContext& ctx);

// qedge.NhwcConv, 2-D with explicit pads, as XNNPACK's NHWC convolution; sets the output's shape. Null when the node
// does not fit (its other path then checks it); an error only for a bad fused activation.
bool xnn_nhwc_conv_fits(const KernelContext& ctx);
Result<std::unique_ptr<XnnPath>> make_xnn_nhwc_conv(KernelContext& ctx);

// Add, Sub, Mul, Div (broadcasting), Relu, HardSwish, Sigmoid, LeakyRelu and GlobalAveragePool, replacing what
// `fast` has for them; `ref` supplies the reference kernels they fall back to and must outlive them.
void register_xnnpack_kernels(KernelRegistry& fast, const KernelRegistry& ref);
#else
inline bool xnn_depthwise_conv_fits(const KernelContext&) { return false; }
inline std::unique_ptr<XnnPath> make_xnn_depthwise_conv(const KernelContext&) { return nullptr; }
inline bool xnn_fully_connected_fits(const KernelContext&) { return false; }
inline Result<std::unique_ptr<XnnPath>> make_xnn_fully_connected(const KernelContext&) {
  return std::unique_ptr<XnnPath>();
}
inline bool xnn_nhwc_conv_fits(const KernelContext&) { return false; }
inline Result<std::unique_ptr<XnnPath>> make_xnn_nhwc_conv(KernelContext&) { return std::unique_ptr<XnnPath>(); }
inline void register_xnnpack_kernels(KernelRegistry&, const KernelRegistry&) {}
#endif

}  // namespace qedge::fast
