// qedge.NhwcConv in its depthwise 3x3 form (group == channels == maps, weights [C, 3, 3, 1], dilation 1, explicit
// pads) on our own channels-last kernel (depthwise_3x3_nhwc.h), where the CPU has one. XNNPACK's NHWC convolution
// reads every window through an indirection buffer and reloads the taps per window; with the taps in registers this
// runs mobilenet_v2's stride-1 depthwise layers 1.1-2.3x faster, its stride-2 ones about as fast (docs/perf/cpu.md).
#pragma once

#include <memory>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// The kernel for the node when it has that form and the CPU a kernel for it, prepared (output shape set); null
// otherwise. An error only for a bad fused activation.
Result<std::unique_ptr<OpKernel>> make_nhwc_depthwise_3x3(KernelContext& ctx);

}  // namespace qedge::fast
